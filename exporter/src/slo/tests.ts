import { METRICS } from '@statusgraph/core';
import type { ComponentConfig } from '../config/types.js';
import { PAGE, TICKET, budget, burnFactor, promDuration, type BurnCondition } from './burn.js';
import { SLO_ALERTS, burnDescription, sloComponents } from './rules.js';

/*
 * `statusgraph rules --tests`: promtool unit tests of the generated rules, one set per distinct
 * objective (and one for a dependency's outage), each case a synthetic timeline of the counters.
 * What each alert should do is computed here from the timeline with the workbook's arithmetic,
 * independently of the PromQL, so a wrong expression fails the case.
 */

/** Rounds per minute of the synthetic exporter (a 15 s interval). */
const RPM = 4;
/** Minutes of history before each evaluation: the 6 h windows are full, the 3 d one is not. */
const MINUTES = 380;

type Cause = 'own' | 'upstream' | 'vendor';

interface Case {
  readonly title: string;
  /** Share of each minute's rounds that were unavailable, minute 0 first (MINUTES entries). */
  readonly unavailable: readonly number[];
  readonly cause: Cause;
  readonly rootCause: string;
}

/** Error ratio over the last `minutes` of the timeline, as rate(a[w]) / rate(b[w]) gives it on whole-minute samples. */
function ratioOver(u: readonly number[], minutes: number): number {
  const n = Math.min(minutes, u.length);
  let sum = 0;
  for (let i = u.length - n; i < u.length; i++) sum += u[i]!;
  return sum / n;
}

const minutes = (ms: number) => ms / 60_000;

function fires(conditions: readonly BurnCondition[], u: readonly number[], objective: number, windowMs: number): boolean {
  const b = budget(objective);
  return conditions.some((c) => {
    const threshold = burnFactor(c, windowMs) * b;
    return ratioOver(u, minutes(c.longMs)) > threshold && ratioOver(u, minutes(c.shortMs)) > threshold;
  });
}

/** A counter's samples (one per minute, MINUTES + 1 of them) in promtool's expanding notation. */
export function seriesValues(increments: readonly number[]): string {
  const vals = [0];
  for (const d of increments) vals.push(vals[vals.length - 1]! + d);
  const round = (v: number) => Number(v.toPrecision(12));
  const out: string[] = [];
  for (let i = 0; i < vals.length;) {
    const step = i + 1 < vals.length ? vals[i + 1]! - vals[i]! : 0;
    let j = i;
    while (j + 1 < vals.length && Math.abs(vals[j + 1]! - vals[j]! - step) < 1e-9) j++;
    out.push(j === i ? `${round(vals[i]!)}` : `${round(vals[i]!)}+${round(step)}x${j - i}`);
    i = j + 1;
  }
  return out.join(' ');
}

const flat = (v: number) => new Array<number>(MINUTES).fill(v);
function withTail(tail: readonly number[]): number[] {
  return [...flat(0).slice(0, MINUTES - tail.length), ...tail];
}

function cases(c: ComponentConfig & { slo: NonNullable<ComponentConfig['slo']> }): Case[] {
  const b = budget(c.slo.objective);
  const own = (title: string, unavailable: number[]): Case => ({ title, unavailable, cause: 'own', rootCause: c.name });
  return [
    own('a hard outage of 10 minutes', withTail(flat(1).slice(0, 10))),
    own('no errors', flat(0)),
    // One failed round of four, six minutes ago: out of the 5-minute window, a blip in the others.
    own('a short blip (one round, 6 minutes ago)', withTail([0.25, 0, 0, 0, 0, 0])),
    own(`a slow trickle (3x the error budget, ${b * 3 * 100} % of rounds, for ${MINUTES} minutes)`, flat(3 * b)),
  ];
}

function alertExpectations(c: ComponentConfig & { slo: NonNullable<ComponentConfig['slo']> }, k: Case): string {
  const fast = fires(PAGE, k.unavailable, c.slo.objective, c.slo.windowMs);
  const slow = fires(TICKET, k.unavailable, c.slo.objective, c.slo.windowMs);
  const impacted = k.cause === 'own' ? 'false' : 'true';
  const because = impacted === 'true' ? ` because of ${k.rootCause} (${k.cause})` : '';
  const runbook = c.runbook ?? '';
  const exp = (name: string, on: boolean, severity: string, summary: string, speed: 'fast' | 'slow') => `      - eval_time: ${MINUTES}m
        alertname: ${name}
        exp_alerts:${on ? `
          - exp_labels: { severity: ${severity}, component: ${c.name}, cause: ${k.cause}, root_cause: ${k.rootCause}, impacted: '${impacted}' }
            exp_annotations:
              summary: '${c.name}: ${summary}${because}'
              description: '${burnDescription(speed, c.name, impacted === 'true' ? `, because ${k.rootCause} (${k.cause}) fails it,` : '')}'
              runbook_url: '${runbook}'` : ' []'}`;
  return [
    exp(SLO_ALERTS.fast, fast, 'critical', 'burning its error budget fast', 'fast'),
    exp(SLO_ALERTS.slow, slow, 'warning', 'burning its error budget', 'slow'),
  ].join('\n');
}

function testCase(c: ComponentConfig & { slo: NonNullable<ComponentConfig['slo']> }, k: Case): string {
  const labels = (extra = '') => `job="statusgraph",instance="exp:9470",component="${c.name}"${extra}`;
  const bad = k.unavailable.map((u) => u * RPM);
  const series = [
    [`${METRICS.componentRounds}{${labels()}}`, seriesValues(flat(RPM))],
    [`${METRICS.componentAvailableRounds}{${labels()}}`, seriesValues(bad.map((x) => RPM - x))],
    [`${METRICS.componentUnavailableRounds}{${labels(`,cause="${k.cause}",root_cause="${k.rootCause}"`)}}`, seriesValues(bad)],
    [`${METRICS.componentInfo}{${labels(`,runbook="${c.runbook ?? ''}"`)}}`, `1x${MINUTES}`],
  ];
  return `  - name: '${c.name} (${c.slo.objective} % over ${promDuration(c.slo.windowMs)}): ${k.title}${k.cause === 'own' ? '' : `, caused by ${k.rootCause}`}'
    interval: 1m
    input_series:
${series.map(([s, v]) => `      - series: '${s}'\n        values: '${v}'`).join('\n')}
    alert_rule_test:
${alertExpectations(c, k)}`;
}

/**
 * The promtool test file for `sloRuleFile(components)`, loaded from `rulesPath` (relative to the
 * test file). Cases for the first component of each distinct objective, and a hard outage of a
 * dependency charged to it for the first component with one.
 */
export function sloRuleTests(components: readonly ComponentConfig[], rulesPath: string): string {
  const withSlo = sloComponents(components);
  const tiers = new Map(components.map((c) => [c.name, c.tier]));
  const seen = new Set<string>();
  const out: string[] = [];
  for (const c of withSlo) {
    const key = `${c.slo.objective}/${c.slo.windowMs}`;
    if (seen.has(key)) continue;
    seen.add(key);
    for (const k of cases(c)) out.push(testCase(c, k));
  }
  const dependent = withSlo.find((c) => c.dependsOn.length > 0);
  if (dependent) {
    const root = dependent.dependsOn[0]!;
    out.push(testCase(dependent, {
      title: 'a hard outage of 10 minutes', unavailable: withTail(flat(1).slice(0, 10)),
      cause: tiers.get(root) === 'third-party' ? 'vendor' : 'upstream', rootCause: root,
    }));
  }
  return `# GENERATED by \`statusgraph rules --tests\`: do not edit, regenerate (a test fails on drift).
# Each case is ${MINUTES} minutes of one component's round counters (${RPM} rounds a minute); whether an
# alert fires is computed by the generator from the timeline (exporter/src/slo/tests.ts).
rule_files:
  - ${rulesPath}

evaluation_interval: 1m

tests:
${out.join('\n\n')}
`;
}
