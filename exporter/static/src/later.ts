/**
 * Work the first cards need not wait for (the uptime bars, the dependency graph, the forms), run
 * after the next frame is painted, one step per task. At 10,000 components the page did all of it
 * in one task before the first card was drawn: ~1.4 s of long tasks. Steps are keyed: a step asked
 * for again before it runs runs once, reading the page's state when it runs.
 */
export interface Later {
  add(key: string, step: () => void): void;
}

/** Chromium's task scheduler (not in TypeScript's DOM types yet): a background task yields to timers, input and rendering. */
type PostTask = (task: () => void, options: { priority: 'background' }) => Promise<void>;

function nextTask(run: () => void): void {
  const scheduler = (globalThis as { scheduler?: { postTask?: PostTask } }).scheduler;
  if (scheduler?.postTask) void scheduler.postTask(run, { priority: 'background' });
  else setTimeout(run, 0);
}

export function createLater(): Later {
  const steps = new Map<string, () => void>();
  let armed = false;
  const runOne = () => {
    const next = steps.entries().next();
    if (next.done) { armed = false; return; }
    const [key, step] = next.value;
    steps.delete(key);
    try {
      step();
    } finally {
      if (steps.size) nextTask(runOne); else armed = false;
    }
  };
  return {
    add(key, step) {
      steps.set(key, step);
      if (armed) return;
      armed = true;
      requestAnimationFrame(() => nextTask(runOne));
    },
  };
}
