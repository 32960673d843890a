/** What a timer call returns: opaque, only ever handed back to the same clock's clearTimeout. */
export type TimerHandle = unknown;

/**
 * Monotonic time and timers for the scheduler, the publisher and probe deadlines. Injected so
 * that tests drive a whole engine on a fake clock instead of waiting for real intervals.
 * Time stamps shown to users (checkedAt, since) come from the separate epoch `now`, not from here.
 */
export interface Clock {
  /** Monotonic milliseconds (performance.now() in production): spacing and durations only. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
}

/** The real clock: stateless, so one shared constant is not a singleton in any useful sense. */
export const SYSTEM_CLOCK: Clock = Object.freeze({
  now: () => performance.now(),
  setTimeout: (fn: () => void, ms: number): TimerHandle => setTimeout(fn, ms),
  clearTimeout: (handle: TimerHandle | undefined) => clearTimeout(handle as NodeJS.Timeout | undefined),
});
