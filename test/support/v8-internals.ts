/*
 * What V8 does with objects and strings, for the memory tests. Whether objects share one hidden class (map). An object with a map of its own carries a map
 * and a descriptor array, ~0.3 KB: at 10,000 probes that was megabytes (bench/README.md, "Peak RSS
 * over budget"). V8 tells only with --allow-natives-syntax, so the checks run in a child node
 * against the built modules (exporter/dist), where the tests' transform cannot interfere.
 */
import { execFileSync } from 'node:child_process';

/**
 * Runs `body` (an ES module body that may `await import(...)`) in a child node and returns how many
 * of the objects it leaves in `objects` (an array it declares) share the first one's map.
 */
export function sameHiddenClassCount(body: string): { same: number; total: number } {
  const out = execFileSync(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', `
    ${body}
    let same = 0;
    for (const o of objects) if (%HaveSameMap(o, objects[0])) same++;
    process.stdout.write(JSON.stringify({ same, total: objects.length }));
  `], { encoding: 'utf8' });
  return JSON.parse(out) as { same: number; total: number };
}

/**
 * V8's representation of each string `body` leaves in `strings` (an array it declares), e.g.
 * SLICED_ONE_BYTE_STRING_TYPE for a slice that keeps its whole parent string alive.
 */
export function stringTypes(body: string): string[] {
  const out = execFileSync(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', `
    ${body}
    for (const s of strings) %DebugPrint(s);
  `], { encoding: 'utf8' });
  return [...out.matchAll(/^ - type: (\S+)$/gm)].map((m) => m[1]!);
}
