/*
 * Summarises a sampling heap profile (node --heap-prof): bytes still allocated at exit, by the
 * function that allocated them and by inclusive stack frame.
 *
 *   npx tsx bench/heap-profile.ts FILE.heapprofile [--top 25]
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { frameLabel } from './lib/frames.js';

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
if (positionals.length !== 1) throw new Error('usage: heap-profile.ts FILE.heapprofile [--top N]');
const prof = JSON.parse(fs.readFileSync(positionals[0]!, 'utf8')) as { head: HeapNode };
const top = Number(values.top);

const label = (n: HeapNode) => frameLabel(n.callFrame);
const self = new Map<string, number>();
const inclusive = new Map<string, number>();
let total = 0;
const walk = (n: HeapNode, stack: Set<string>): number => {
  const l = label(n);
  self.set(l, (self.get(l) ?? 0) + n.selfSize);
  total += n.selfSize;
  const fresh = !stack.has(l);
  if (fresh) stack.add(l);
  let sum = n.selfSize;
  for (const c of n.children) sum += walk(c, stack);
  if (fresh) {
    stack.delete(l);
    inclusive.set(l, (inclusive.get(l) ?? 0) + sum);
  }
  return sum;
};
walk(prof.head, new Set());
const mib = (b: number) => (b / 2 ** 20).toFixed(1).padStart(7);
console.log(`live sampled: ${mib(total)} MiB`);
for (const [title, m] of [['self', self], ['inclusive', inclusive]] as const) {
  console.log(`\n${title} (MiB)`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${mib(v)}  ${k}`);
}
