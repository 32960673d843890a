/** Rejection used when a probe's deadline fires before its work settles. */
export class DeadlineError extends Error {
  override readonly name = 'AbortError';
  constructor() {
    super('probe deadline reached');
  }
}

/**
 * Settles like `work`, or rejects with a DeadlineError as soon as `signal` aborts. Client libraries
 * (pg, ioredis, amqplib) take no AbortSignal, so `onAbort` tears their connection down: the
 * pending call then fails on its own and the next run starts from a fresh connection.
 */
export function raceAbort<T>(work: Promise<T>, signal: AbortSignal, onAbort: () => void): Promise<T> {
  if (signal.aborted) {
    onAbort();
    work.catch(() => undefined);
    return Promise.reject(new DeadlineError());
  }
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      onAbort();
      reject(new DeadlineError());
    };
    signal.addEventListener('abort', abort, { once: true });
    work.then(
      (v) => { signal.removeEventListener('abort', abort); resolve(v); },
      (e) => { signal.removeEventListener('abort', abort); reject(e); },
    );
  });
}
