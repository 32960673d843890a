import pino, { type Logger } from 'pino';
import { makeRedactor } from '@statusgraph/core';

/** Holds the current secret list; swapped on reload so that new secrets are redacted at once. */
export class Redaction {
  private redact: (s: string) => string = (s) => s;
  set(secrets: readonly string[]): void {
    this.redact = makeRedactor(secrets);
  }
  apply(text: string): string {
    return this.redact(text);
  }
}

/**
 * JSON lines on stdout (or `destination`). Every line passes through the redactor last, so a
 * secret that reaches a log field by any path (an error message, a URL) is still masked.
 */
export function createLogger(redaction: Redaction, opts: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino({
    level: opts.level ?? process.env.STATUSGRAPH_LOG_LEVEL ?? 'info',
    base: { service: 'statusgraph' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    hooks: { streamWrite: (s) => redaction.apply(s) },
  }, opts.destination ?? pino.destination({ fd: 1, sync: false }));
}
