/*
 * Summarises a V8 CPU profile (node --cpu-prof): self time per function and inclusive time per
 * function, top N, so a hot path can be named in the README without a GUI.
 *
 *   npx tsx bench/profile.ts FILE.cpuprofile [--top 25] [--from S] [--to S]
 *
 * --from/--to keep only samples taken that many seconds after the profile started (the
 * measurement window of a bench run, without startup and shutdown).
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { frameLabel } from './lib/frames.js';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' }, from: { type: 'string', default: '0' }, to: { type: 'string', default: 'Infinity' } } });
if (positionals.length !== 1) throw new Error('usage: profile.ts FILE.cpuprofile [--top N]');
const prof = JSON.parse(fs.readFileSync(positionals[0]!, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };
const top = Number(values.top);

const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
// Time per sample: the delta that follows it.
const selfUs = new Map<number, number>();
const fromUs = Number(values.from) * 1e6;
const toUs = Number(values.to) * 1e6;
let at = 0;
prof.samples.forEach((id, i) => {
  at += prof.timeDeltas[i] ?? 0;
  if (at < fromUs || at > toUs) return;
  selfUs.set(id, (selfUs.get(id) ?? 0) + (prof.timeDeltas[i + 1] ?? 0));
});

const label = (n: Node) => frameLabel(n.callFrame);

const self = new Map<string, number>();
const inclusive = new Map<string, number>();
let total = 0;
for (const [id, us] of selfUs) {
  total += us;
  const n = byId.get(id)!;
  self.set(label(n), (self.get(label(n)) ?? 0) + us);
  // Count each function once per stack, however often it recurses.
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const l = label(byId.get(cur)!);
    if (seen.has(l)) continue;
    seen.add(l);
    inclusive.set(l, (inclusive.get(l) ?? 0) + us);
  }
}
const idle = self.get('(idle) :0') ?? 0;
const busy = total - idle;
const show = (title: string, m: Map<string, number>) => {
  console.log(`\n${title} (ms, % of non-idle)`);
  for (const [k, us] of [...m].filter(([k]) => !k.startsWith('(idle)') && !k.startsWith('(root)')).sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${(us / 1000).toFixed(0).padStart(8)} ${((us / busy) * 100).toFixed(1).padStart(5)}%  ${k}`);
  }
};
console.log(`profile ${((prof.endTime - prof.startTime) / 1e6).toFixed(1)} s, window ${values.from}..${values.to} s, busy ${(busy / 1e6).toFixed(2)} s, idle ${(idle / 1e6).toFixed(2)} s`);
show('self', self);
show('inclusive', inclusive);
