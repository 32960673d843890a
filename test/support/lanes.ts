/**
 * A limit on how many calls run at once: `lanes(2)` on the 2-core CI machine, for files that run
 * several single-threaded tools (tsc, promtool, levitate) one per test. The integration files run
 * one at a time after the in-process projects, so such a file has both cores to itself; one tool
 * at a time left one idle.
 */
export function lanes(n: number): <T>(call: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (call) => {
    if (running < n) running++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await call();
    } finally {
      // The lane passes to the next waiting call, in the order they came, or is freed.
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}
