/*
 * The log of incident changes that could not be recorded: one line when it starts, then at most one
 * a minute (with how many failures it stands for), and one when recording works again. Before, a
 * full disk logged "could not record incident changes" on every snapshot, several a second.
 */
import type { Logger } from 'pino';
import { storageError } from '../errors.js';

export const FAILURE_LOG_EVERY_MS = 60_000;

export interface FailureLog {
  failed(err: unknown, seq: number, pending: number): void;
  recovered(): void;
}

export function failureLog(logger: Logger, now: () => number, everyMs = FAILURE_LOG_EVERY_MS): FailureLog {
  let since: number | undefined;
  let lastLogAt = -Infinity;
  let unlogged = 0;
  let total = 0;
  return {
    failed(err, seq, pending) {
      since ??= now();
      total++;
      if (now() - lastLogAt < everyMs) {
        unlogged++;
        return;
      }
      const message = storageError(err, 'incident changes')?.message ?? `could not record incident changes: ${(err as Error).message}`;
      logger.error({ event: 'incident_record_failed', err: (err as Error).message, seq, pending, failuresSinceLastLine: unlogged + 1 }, `${message}; kept to retry with their own times`);
      lastLogAt = now();
      unlogged = 0;
    },
    recovered() {
      if (since === undefined) return;
      logger.info({ event: 'incident_record_recovered', failures: total, forMs: now() - since }, 'incident changes recorded again, with their original times');
      since = undefined;
      lastLogAt = -Infinity;
      unlogged = 0;
      total = 0;
    },
  };
}
