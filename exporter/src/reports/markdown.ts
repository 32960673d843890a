import { STATES, STATE_LABELS, type State } from '@statusgraph/core';
import type { DailyData, WeeklyData, ComponentRow } from './collect.js';
import { change } from './maths.js';
import { sloMarkdown } from './slo.js';
import { noiseMarkdown } from './noise.js';
import { cell, formatDate, formatDateTime, formatDuration, formatPercent, formatPointsChange, formatSeconds } from './format.js';

/** Markdown of the daily and weekly reports, from gathered data only (pure). */

function stateName(value: number | undefined): string {
  if (value === undefined) return 'Unknown';
  const s: State | undefined = STATES[Math.round(value)];
  return s ? STATE_LABELS[s] : 'Unknown';
}

function overallLine(components: readonly ComponentRow[]): string {
  if (components.length === 0) return '**Overall: Unknown**: Prometheus has no statusgraph data.';
  const known = components.filter((c) => c.state !== undefined);
  const worst = known.reduce((w, c) => Math.max(w, c.state ?? 0), 0);
  const unknown = components.length - known.length;
  const unknownNote = unknown > 0 ? ` ${unknown} without recent data.` : '';
  if (known.length === 0) return `**Overall: Unknown**: no component has recent data.`;
  if (worst === 0) return `**Overall: ${stateName(0)}**: all ${known.length} components operational.${unknownNote}`;
  const notOk = known.filter((c) => (c.state ?? 0) > 0).sort((a, b) => (b.state ?? 0) - (a.state ?? 0) || a.component.localeCompare(b.component));
  return `**Overall: ${stateName(worst)}**: ${notOk.map((c) => `${c.component} (${stateName(c.state).toLowerCase()})`).join(', ')}.${unknownNote}`;
}

function pct(v: number | undefined): string {
  return v === undefined ? 'no data' : formatPercent(v);
}

export function dailyMarkdown(d: DailyData, timezone: string): string {
  const lines: string[] = [];
  lines.push(`# statusgraph daily report, ${formatDate(d.window.endMs, timezone)}`, '');
  lines.push(`Window: ${formatDateTime(d.window.startMs, timezone)} to ${formatDateTime(d.window.endMs, timezone)} (${timezone})`, '');
  lines.push(overallLine(d.components), '');

  lines.push('## Uptime, last 24 h', '');
  lines.push(`Overall: ${pct(d.overallUptime)}`, '');
  if (d.components.length > 0) {
    lines.push('| component | tier | state | uptime |', '|---|---|---|---|');
    for (const c of d.components) lines.push(`| ${cell(c.component)} | ${cell(c.tier)} | ${stateName(c.state)} | ${pct(c.uptime)} |`);
    lines.push('');
  }

  lines.push('## Degradations and outages', '');
  if (d.episodes.length === 0) {
    lines.push('None in the last 24 h.', '');
  } else {
    lines.push('| component | state | start | duration | cause |', '|---|---|---|---|---|');
    for (const e of d.episodes) {
      const start = `${e.startedBefore ? 'before ' : ''}${formatDateTime(e.startMs, timezone)}`;
      const duration = `${formatDuration(e.durationMs)}${e.ongoing ? ' (ongoing)' : ''}`;
      const cause = e.causes.length > 0 ? `dependency: ${e.causes.join(', ')}` : '';
      lines.push(`| ${cell(e.component)} | ${stateName(e.worst)} | ${start} | ${duration} | ${cell(cause)} |`);
    }
    lines.push('');
  }

  lines.push('## Maintenance windows', '');
  if (!d.maintenance?.length) {
    lines.push('None in the last 24 h.', '');
  } else {
    lines.push('| window | components | start | duration |', '|---|---|---|---|');
    for (const w of d.maintenance) {
      lines.push(`| ${cell(w.window)} | ${cell(w.components.join(', '))} | ${formatDateTime(w.startMs, timezone)} | ${formatDuration(w.endMs - w.startMs)}${w.ongoing ? ' (ongoing)' : ''} |`);
    }
    lines.push('');
  }

  lines.push('## Latency', '');
  if (d.slowest) {
    const s = d.slowest;
    lines.push(`Slowest against its 7-day baseline: **${s.component}**, ${formatSeconds(s.daySeconds)} mean over 24 h, ${s.ratio.toFixed(2)}x its 7-day mean of ${formatSeconds(s.baselineSeconds)}.`);
  } else {
    lines.push('No latency data.');
  }
  return `${lines.join('\n')}\n`;
}

function ppChange(current: number | undefined, previous: number | undefined): string {
  const delta = change(current, previous);
  return delta === undefined ? 'n/a' : formatPointsChange(delta);
}

function durationOrNone(ms: number | undefined): string {
  return ms === undefined ? 'n/a (nothing recovered)' : formatDuration(ms);
}

export function weeklyMarkdown(w: WeeklyData, timezone: string): string {
  const lines: string[] = [];
  lines.push(`# statusgraph weekly report, week to ${formatDate(w.window.endMs, timezone)}`, '');
  lines.push(`Window: ${formatDateTime(w.window.startMs, timezone)} to ${formatDateTime(w.window.endMs, timezone)} (${timezone}), compared with the 7 days before.`, '');

  lines.push('## Summary', '');
  lines.push(`- Overall uptime: ${pct(w.overallUptime)} (previous week: ${pct(w.previousOverallUptime)}, change: ${ppChange(w.overallUptime, w.previousOverallUptime)})`);
  const incidentDelta = w.incidents.length - w.previousIncidents.length;
  lines.push(`- Incidents: ${w.incidents.length} (previous week: ${w.previousIncidents.length}, change: ${incidentDelta > 0 ? '+' : ''}${incidentDelta})`);
  lines.push(`- Mean time to recovery: ${durationOrNone(w.mttrMs)} (previous week: ${durationOrNone(w.previousMttrMs)})`, '');

  lines.push('## Uptime per component', '');
  if (w.components.length === 0) {
    lines.push('Prometheus has no statusgraph data.', '');
  } else {
    lines.push('| component | tier | uptime | previous week | change |', '|---|---|---|---|---|');
    for (const c of w.components) {
      lines.push(`| ${cell(c.component)} | ${cell(c.tier)} | ${pct(c.uptime)} | ${pct(c.previousUptime)} | ${ppChange(c.uptime, c.previousUptime)} |`);
    }
    lines.push('');
  }

  lines.push(...sloMarkdown(w.slo));

  lines.push('## Incidents', '');
  if (w.incidents.length === 0) {
    lines.push('None this week.');
  } else {
    lines.push('| component | state | start | duration |', '|---|---|---|---|');
    for (const e of w.incidents) {
      lines.push(`| ${cell(e.component)} | ${stateName(e.worst)} | ${formatDateTime(e.startMs, timezone)} | ${formatDuration(e.durationMs)}${e.ongoing ? ' (ongoing)' : ''} |`);
    }
  }
  lines.push('', ...noiseMarkdown(w.noise));
  return `${lines.join('\n')}\n`;
}
