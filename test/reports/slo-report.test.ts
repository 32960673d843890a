import fs from 'node:fs';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { buildReport } from '../../exporter/src/reports/index.js';
import { startPrometheus, prometheusConfigFromRepo, backfillOpenMetrics, type Prometheus } from '../support/prometheus.js';
import { tempDir } from '../support/tmp.js';

/**
 * Issue 21, acceptance 2: a real Prometheus holding 31 days of the exporter's round counters
 * (backfilled with `promtool tsdb create-blocks-from openmetrics`), including a restart that resets
 * every counter. The weekly report's budget left and its attribution must equal, to 0.01 %, what
 * this test computes from its own timeline with Prometheus's counter-reset rule.
 */

const MIN = 60_000;
const DAY = 1440 * MIN;
const STEP = 5 * MIN;
/** One round every 15 s: 20 per step. */
const ROUND = 15_000;
const lastSample = Math.floor((Date.now() - 3 * MIN) / STEP) * STEP;
const firstSample = lastSample - 31 * DAY;
// One second past the last sample: the 30-day window (now - 30d, now] holds whole steps, no edge on a sample.
const reportNow = lastSample + 1000;
const times: number[] = [];
for (let t = firstSample; t <= lastSample; t += STEP) times.push(t);

type Cause = 'own' | 'upstream' | 'vendor';
interface Spell { component: string; cause: Cause; root: string; startMs: number; minutes: number }
const ago = (days: number, minutes = 0) => lastSample - days * DAY - minutes * MIN;
// Minutes that are not multiples of the step, so that steps are partly unavailable. One spell of
// each cause lies before the window (day 30.5): every series has counted something by then.
const spells: Spell[] = [
  { component: 'checkout', cause: 'own', root: 'checkout', startMs: ago(30, 700), minutes: 7 },
  { component: 'checkout', cause: 'upstream', root: 'postgresql-primary', startMs: ago(30, 600), minutes: 9 },
  { component: 'checkout', cause: 'vendor', root: 'stripe-api', startMs: ago(30, 500), minutes: 4 },
  { component: 'checkout', cause: 'upstream', root: 'postgresql-primary', startMs: ago(21, 13), minutes: 12.25 },
  { component: 'checkout', cause: 'own', root: 'checkout', startMs: ago(12, 2), minutes: 6.5 },
  { component: 'checkout', cause: 'vendor', root: 'stripe-api', startMs: ago(9, 41), minutes: 3.75 },
  { component: 'checkout', cause: 'upstream', root: 'postgresql-primary', startMs: ago(2, 300), minutes: 8 },
  { component: 'postgresql-primary', cause: 'own', root: 'postgresql-primary', startMs: ago(30, 600), minutes: 9 },
  { component: 'postgresql-primary', cause: 'own', root: 'postgresql-primary', startMs: ago(21, 13), minutes: 12.25 },
  { component: 'postgresql-primary', cause: 'own', root: 'postgresql-primary', startMs: ago(2, 300), minutes: 8 },
];
const objectives: Record<string, number> = { checkout: 0.999, 'postgresql-primary': 0.9995 };
/** The exporter was killed and restarted here: every counter starts again from 0. */
const restartAt = ago(15, 7);

/** The series of a component: [labels, per-step increment]. */
function seriesOf(component: string): { labels: string; name: string; inc: (stepStart: number) => number }[] {
  const mine = spells.filter((s) => s.component === component);
  const unavailableIn = (stepStart: number, pick: (s: Spell) => boolean) => {
    let n = 0;
    for (let r = stepStart; r < stepStart + STEP; r += ROUND) if (mine.some((s) => pick(s) && r >= s.startMs && r < s.startMs + s.minutes * MIN)) n++;
    return n;
  };
  const base = `component="${component}",instance="exp:9470",job="statusgraph"`;
  const roots = [...new Set(mine.map((s) => `${s.cause}/${s.root}`))];
  return [
    { name: 'statusgraph_component_rounds_total', labels: base, inc: () => STEP / ROUND },
    { name: 'statusgraph_component_available_rounds_total', labels: base, inc: (t) => STEP / ROUND - unavailableIn(t, () => true) },
    { name: 'statusgraph_component_unavailable_rounds_total', labels: `${base},cause="planned",root_cause="${component}"`, inc: () => 0 },
    ...roots.map((k) => {
      const [cause, root] = k.split('/') as [Cause, string];
      return { name: 'statusgraph_component_unavailable_rounds_total', labels: `${base},cause="${cause}",root_cause="${root}"`, inc: (t: number) => unavailableIn(t, (s) => s.cause === cause && s.root === root) };
    }),
  ];
}

/** Counter values at each sample: the increments of the step before it, from 0 again after the restart. */
function values(inc: (stepStart: number) => number): number[] {
  let v = 0;
  return times.map((t) => {
    if (t - STEP < restartAt && t >= restartAt) v = 0;
    v += inc(t - STEP);
    return v;
  });
}

function openMetrics(): string {
  const lines: string[] = [];
  const byName = new Map<string, string[]>();
  for (const c of Object.keys(objectives)) {
    for (const s of seriesOf(c)) {
      const vs = values(s.inc);
      const out = byName.get(s.name) ?? [];
      times.forEach((t, i) => out.push(`${s.name}{${s.labels}} ${vs[i]} ${t / 1000}`));
      byName.set(s.name, out);
    }
  }
  const recorded = (name: string, value: (c: string) => number) => Object.keys(objectives).flatMap((c) => times.filter((t) => t > lastSample - DAY).map((t) => `${name}{component="${c}",tier="service"} ${value(c)} ${t / 1000}`));
  byName.set('component:statusgraph_slo_objective:ratio', recorded('component:statusgraph_slo_objective:ratio', (c) => objectives[c]!));
  byName.set('component:statusgraph_slo_window:seconds', recorded('component:statusgraph_slo_window:seconds', () => 30 * 86_400));
  for (const [name, samples] of byName) lines.push(`# TYPE ${name} gauge`, ...samples);
  lines.push('# EOF', '');
  return lines.join('\n');
}

// ---- independent expectations ------------------------------------------------------------------
/** increase() over the samples in (from, to], with Prometheus's rule for a counter reset. */
function increase(vs: readonly number[], from: number, to: number): number {
  let sum = 0;
  let prev: number | undefined;
  times.forEach((t, i) => {
    if (t <= from || t > to) return;
    const v = vs[i]!;
    if (prev !== undefined) sum += v >= prev ? v - prev : v;
    prev = v;
  });
  return sum;
}

function expected(component: string) {
  const from = reportNow - 30 * DAY;
  const series = seriesOf(component);
  const inc = (s: (typeof series)[number]) => increase(values(s.inc), from, reportNow);
  const rounds = inc(series[0]!);
  const available = inc(series[1]!);
  const burned = (1 - available / rounds) / (1 - objectives[component]!);
  const causes = series.slice(2).map((s) => ({ labels: s.labels, n: inc(s) }));
  const total = causes.reduce((a, c) => a + c.n, 0);
  return { burned, parts: causes.filter((c) => c.n > 0).map((c) => ({ root: /root_cause="([^"]+)"/.exec(c.labels)![1]!, cause: /cause="([^"]+)"/.exec(c.labels)![1]!, burned: burned * c.n / total })) };
}
const pct2 = (r: number) => `${(r * 100).toFixed(2)} %`;

describe('weekly report: error budget and its attribution from 31 days of counters in a real Prometheus', () => {
  const dir = tempDir('statusgraph-slo-report-');
  const dataDir = path.join(dir.path, 'data');
  let prom: Prometheus;

  beforeAll(async () => {
    fs.mkdirSync(dataDir);
    await backfillOpenMetrics(openMetrics(), dataDir);
    prom = await startPrometheus({ configYaml: prometheusConfigFromRepo({ rules: false }), dataDir });
  }, 300_000);

  afterAll(async () => {
    await prom?.stop();
    dir.remove();
  });

  it('the backfill holds the restart: Prometheus sees one reset of each counter in the window', async () => {
    const r = await prom.query('resets(statusgraph_component_rounds_total{component="checkout"}[30d])', new Date(reportNow));
    expect(Number(r[0]!.value[1])).toBe(1);
  });

  it('budget burned and left, and the share of each cause, match the timeline to 0.01 %', async () => {
    const md = await buildReport('weekly', { prometheusUrl: prom.url, now: new Date(reportNow), timezone: 'UTC' });
    console.log(md.slice(md.indexOf('## Service level objectives')));
    const checkout = expected('checkout');
    // Not trivial: the budget is partly burned, by all three causes.
    expect(checkout.burned).toBeGreaterThan(0.3);
    expect(checkout.burned).toBeLessThan(1);
    expect(checkout.parts.map((p) => p.cause).sort()).toEqual(['own', 'upstream', 'vendor']);
    for (const c of Object.keys(objectives)) {
      const e = expected(c);
      expect(md).toMatch(new RegExp(`\\| ${c} \\| [0-9.]+% \\| 30d \\| [0-9.]+% \\| ${pct2(e.burned)} \\| ${pct2(1 - e.burned)} \\|`));
      const parts = [...e.parts].sort((a, b) => b.burned - a.burned).map((p) => p.cause === 'own' ? `${pct2(p.burned)} own` : `${pct2(p.burned)} caused by ${p.root}${p.cause === 'vendor' ? ' (vendor)' : ''}`);
      expect(md).toContain(`- ${c} burned ${pct2(e.burned)} of its 30-day budget: ${parts.join(', ')}`);
    }
  });
});
