/*
 * Issue 20, "In the demo": `statusgraph demo` (the built CLI, as a newcomer runs it) prints the
 * public page's URL on a line of its own that contains the word "public", apart from the internal
 * page's line, and that URL serves the public page of the reference topology without a token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../support/ports.js';
import { startDemo, type RunningDemo } from './demo-process.js';

describe('what statusgraph demo prints', () => {
  let demo: RunningDemo;
  beforeAll(async () => { demo = await startDemo(2_000); });
  afterAll(async () => { await demo?.stop(); });

  it('prints the public page\'s URL on its own line with the word "public", and it answers', async () => {
    const lines = await until('the printed URLs', () => {
      // What the demo prints for people, without its JSON log lines.
      const all = demo.logs().split('\n').filter((l) => !l.trimStart().startsWith('{'));
      return all.some((l) => /public/i.test(l) && /https?:\/\//.test(l)) ? all : undefined;
    }, 10_000);
    const publicLines = lines.filter((l) => /public/i.test(l) && /https?:\/\//.test(l));
    expect(publicLines).toHaveLength(1);
    const urls = publicLines[0]!.match(/https?:\/\/[^\s]+/g)!;
    // Its own line: one URL, the public one, not the internal page's.
    expect(urls).toHaveLength(1);
    const url = urls[0]!.replace(/\/$/, '');
    expect(url).not.toBe(demo.url);
    expect(lines.some((l) => l.includes(`${demo.url}/`) && !/public/i.test(l))).toBe(true);
    const r = await fetch(`${url}/api/v2/summary.json`);
    expect(r.status).toBe(200);
    const summary = (await r.json()) as { page: { name: string }; components: { name: string }[] };
    expect(summary.page.name).toBe('Demo Shop status');
    expect(summary.components.map((c) => c.name)).toContain('Checkout');
    expect((await fetch(`${url}/`)).headers.get('content-type')).toBe('text/html; charset=utf-8');
  });
});
