import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tuneV8 } from '../src/v8-tuning.js';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/v8-tuning.js');
const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/cli.js');

// A child node that allocates ~200 MB of short-lived garbage, with and without the tuning.
const youngAfterChurn = (tuned: boolean) => Number(execFileSync(process.execPath, ['--input-type=module', '-e', `
  ${tuned ? `await import(${JSON.stringify(dist)});` : ''}
  const v8 = await import('node:v8');
  let keep = [];
  for (let i = 0; i < 2_000_000; i++) { keep.push({ i, s: 'x' + i }); if (keep.length > 5_000) keep = []; }
  process.stdout.write(String(v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size));
`], { encoding: 'utf8' }));

describe('V8 tuning', () => {
  it('sets both flags by default, and leaves alone what the operator set', () => {
    expect(tuneV8([], () => undefined)).toEqual(['--heap-growing-percent=20', '--semi-space-growth-factor=1']);
    expect(tuneV8(['--heap_growing_percent=100'], () => undefined)).toEqual(['--semi-space-growth-factor=1']);
    expect(tuneV8(['--max-semi-space-size=16', '--inspect'], () => undefined)).toEqual(['--heap-growing-percent=20']);
  });

  it('keeps the young generation at its initial size in a real process under allocation', () => {
    const tuned = youngAfterChurn(true);
    const untuned = youngAfterChurn(false);
    expect(tuned).toBeLessThan(untuned);
  });

  it('is in place before the CLI loads its commands, so the young generation never grew', () => {
    // The CLI's young generation after it loaded every module (`help` loads the whole command
    // graph), against a process tuned before it allocated anything and then churned. With the
    // tuning evaluated after the graph was compiled, the first was 16 MiB against 2 (bench/README.md,
    // "Peak RSS over budget").
    const young = `import v8 from 'node:v8';
      process.on('exit', () => process.stderr.write('young=' + v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size));`;
    const run = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(young)}`, cli, 'help'], { encoding: 'utf8' });
    const size = (text: string) => Number(/young=(\d+)/.exec(text)?.[1]);
    expect(run.stdout).toContain('statusgraph');
    expect(size(run.stderr)).toBeGreaterThan(0);
    expect(size(run.stderr)).toBeLessThanOrEqual(youngAfterChurn(true));
  });
});
