/**
 * V8 tuned for a long-running monitor: a small, steady footprint rather than headroom for
 * allocation bursts. Imported first by the CLI, so it applies before the heap grows, however the
 * process was started (`node dist/cli.js`, the bin, the container).
 *
 * At 10,000 components (bench/README.md, "Peak RSS"), with V8's defaults the young generation
 * grew to 32 MB, and the first interval let ~100 MB of garbage pile up in the old one before the
 * first full collection: peak RSS 348-440 MiB for ~250 MiB steady. With these two settings the
 * peak stays within a few MiB of the steady state, at the same CPU per probe (0.147 ms vs
 * 0.159 ms in the same conditions). `--optimize-for-size` gave a similar footprint but cost 70 %
 * more CPU per probe, as it also makes the compilers optimise less.
 *
 * A flag the operator passes to node (`node --heap-growing-percent=100 dist/cli.js`) wins.
 */
import v8 from 'node:v8';

const TUNING: readonly { readonly flag: string; readonly value: string; readonly unlessAny: readonly string[] }[] = [
  // The old generation may grow to 1.2x what survived the last full collection (V8: up to 4x).
  { flag: '--heap-growing-percent', value: '20', unlessAny: [] },
  // The young generation keeps its initial size instead of doubling under load: more, shorter
  // scavenges, each as cheap as the survivors are few.
  { flag: '--semi-space-growth-factor', value: '1', unlessAny: ['--max-semi-space-size', '--min-semi-space-size'] },
];

const setFlags = (f: string) => v8.setFlagsFromString(f);
const givenIn = (execArgv: readonly string[]) => (flag: string) => execArgv.some((a) => a.replace(/_/g, '-').split('=')[0] === flag);

/** Sets the flags the operator did not set; returns those it set. */
export function tuneV8(execArgv: readonly string[], set: (flags: string) => void = setFlags): string[] {
  const given = givenIn(execArgv);
  const applied: string[] = [];
  for (const t of TUNING) {
    if (given(t.flag) || t.unlessAny.some(given)) continue;
    const f = `${t.flag}=${t.value}`;
    set(f);
    applied.push(f);
  }
  return applied;
}

/**
 * Above this many components the young generation may grow again (V8's own factor, 2). The
 * fixed 1-2 MiB young generation is what holds the 200 MB budget at 10,000 components, for ~20 %
 * more CPU there; at 30,000 components per process (bench/cluster.ts, 3 replicas, R = 2) the
 * scavenges it forces took 46 % of each replica's CPU and the replicas missed 22 % of their
 * probes, against 24 % and none with the factor at 2, for ~50 MiB more RSS per replica.
 */
export const FIXED_YOUNG_UP_TO = 10_000;

/**
 * Sizes the young generation for the config (at start and after each reload): V8 reads the growth
 * factor at every growth decision, so this works on a running process. Nothing if the operator
 * chose the young generation's size. Returns the flag it set.
 */
export function sizeYoungGeneration(components: number, execArgv: readonly string[] = process.execArgv, set: (flags: string) => void = setFlags): string | undefined {
  const given = givenIn(execArgv);
  if (['--semi-space-growth-factor', '--max-semi-space-size', '--min-semi-space-size'].some(given)) return undefined;
  const flag = `--semi-space-growth-factor=${components > FIXED_YOUNG_UP_TO ? 2 : 1}`;
  set(flag);
  return flag;
}

tuneV8(process.execArgv);
