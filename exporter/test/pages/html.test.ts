/*
 * The public HTML page (issue 20, "Serving"): light (no framework, no script, well under 100 KB
 * for a page of 20 components with 90 days of uptime bars and 50 incidents), light and dark,
 * one column on a phone; components, uptime bars, current and past incidents, upcoming
 * maintenance; the third-party note only where the page allows it.
 */
import type { MaintenanceWindowView } from '@statusgraph/core';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { PageConfig } from '../../src/config/types.js';
import type { UptimeReport } from '../../src/history/index.js';
import type { PublicIncident } from '../../src/incidents/public.js';
import { renderPage } from '../../src/pages/html.js';
import type { PageJsonInput } from '../../src/pages/statuspage-json.js';
import type { TrackedComponent } from '../../src/pages/tracker.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 1, 12);
const BODY = 'Some customers could not complete a payment. We rolled back the release that caused it and are watching the error rate closely.';

function page(count: number, thirdPartyNote = false): PageConfig {
  return {
    id: 'public', title: 'Example status', path: '/', thirdPartyNote, autoPublish: false,
    components: Array.from({ length: count }, (_, i) => ({
      id: `feature-${i}`, name: `Product feature ${i}`, internal: [`svc-${i}`], atLeast: 1,
      ...(i % 4 === 0 ? {} : { group: `Area ${i % 4}`, groupId: `group-area-${i % 4}` }),
      ...(i % 3 === 0 ? { description: 'What customers use it for, in a few words' } : {}),
    })),
  };
}

function input(p: PageConfig, opts: { incidents?: number; statuses?: Record<string, TrackedComponent['status']>; thirdParty?: boolean; maintenances?: MaintenanceWindowView[] } = {}): PageJsonInput {
  const components: TrackedComponent[] = p.components.map((c) => ({ id: c.id, name: c.name, status: opts.statuses?.[c.id] ?? 'operational', thirdParty: opts.thirdParty ?? false, since: NOW - DAY }));
  const incidents: PublicIncident[] = Array.from({ length: opts.incidents ?? 0 }, (_, n) => {
    const at = NOW - (n + 1) * 3 * 3_600_000;
    const open = n === 0;
    const steps = open ? ['investigating', 'identified'] as const : ['investigating', 'identified', 'monitoring', 'resolved'] as const;
    return {
      id: `pub${String(n).padStart(9, '0')}`, page: 'public', incidentId: null, title: `Payments failing for some customers (${n})`, impact: 'major',
      status: steps.at(-1)!, components: [p.components[n % p.components.length]!.id], createdAt: at, updatedAt: at + 3_000_000,
      resolvedAt: open ? null : at + 3_000_000,
      updates: steps.map((status, k) => ({ id: `upd${n}-${k}`, status, body: BODY, at: at + k * 1_000_000 })),
    };
  });
  return {
    state: { page: p, at: NOW, components, startedAt: NOW - 100 * DAY }, incidents, baseUrl: 'https://status.example.com', now: NOW,
    ...(opts.maintenances ? { maintenances: opts.maintenances } : {}),
  };
}

/** 90 days of data for every component, a bad day in ten (a degraded, a partial or a major outage). */
function uptime(p: PageConfig): UptimeReport {
  const worst = ['operational', 'operational', 'degraded', 'operational', 'operational', 'operational', 'partial_outage', 'operational', 'operational', 'operational',
    'operational', 'operational', 'operational', 'operational', 'operational', 'operational', 'operational', 'operational', 'operational', 'operational',
    'operational', 'operational', 'operational', 'operational', 'major_outage', 'operational', 'operational', 'operational', 'operational', 'operational'] as const;
  return {
    from: NOW - 89 * DAY, to: NOW, days: 90,
    components: p.components.map((c, i) => ({
      name: c.id, availability: 0.9987,
      days: Array.from({ length: 90 }, (_, d) => ({
        day: new Date(NOW - (89 - d) * DAY).toISOString().slice(0, 10), observed: 86_400,
        seconds: [86_000, 400, 0, 0] as const, planned: 0, worst: worst[(d * 7 + i) % worst.length]!,
      })),
    })),
  };
}

describe('the public HTML page', () => {
  it('stays well under 100 KB with 20 components, 90 days of bars each and 50 incidents', () => {
    const p = page(20);
    const html = renderPage(input(p, { incidents: 50 }), uptime(p));
    const bytes = Buffer.byteLength(html);
    const bars = (html.match(/<div class="bars"[^]*?<\/div>/g) ?? []).join('').length;
    const incidents = (html.match(/<article[^]*?<\/article>/g) ?? []).join('').length;
    console.log(`public page: 20 components x 90 days, 50 incidents of 2-4 updates: ${bytes} bytes (bars ${bars}, incidents ${incidents}), gzip ${zlib.gzipSync(html).length}`);
    // 155 KB before (94 KB of bars with a tooltip on every day, 53 KB of incidents).
    expect(bytes).toBeLessThan(64_000);
    // Every bar is drawn: 90 days for each component; bad days say which and when.
    expect(html.match(/<i[ >]/g)!.length).toBe(20 * 90);
    expect(html).toMatch(/<i class="d3" title="\d{4}-\d{2}-\d{2}: Major outage"><\/i>/);
    // The newest past incidents, then where the older ones are.
    expect(html.match(/<article class="inc"/g)!.length).toBe(1 + 10);
    expect(html).toContain('id="incident-pub000000010"');
    expect(html).not.toContain('id="incident-pub000000011"');
    expect(html).toContain('Older incidents are in the feeds');
  });

  it('needs no framework and no script, and loads nothing from elsewhere', () => {
    const html = renderPage(input(page(4), { incidents: 2 }), uptime(page(4)));
    expect(html).not.toMatch(/<script|<link rel="stylesheet"|<img|<iframe|@import|url\(/i);
    // Only links to the page's own feeds and JSON.
    for (const m of html.matchAll(/(?:href|src)="([^"]+)"/g)) expect(m[1]).toMatch(/^https:\/\/status\.example\.com\/(history\.atom|history\.rss|api\/v2\/summary\.json)$/);
  });

  it('follows the reader\'s light or dark setting and becomes one column on a phone', () => {
    const html = renderPage(input(page(4)), uptime(page(4)));
    expect(html).toContain('<meta name="color-scheme" content="light dark">');
    expect(html).toMatch(/@media \(prefers-color-scheme:dark\)\{:root\{--bg:#[0-9a-f]{6};--fg:#[0-9a-f]{6}/);
    expect(html).toContain('<meta name="viewport" content="width=device-width,initial-scale=1">');
    expect(html).toMatch(/@media \(max-width:600px\)\{/);
    expect(html).toMatch(/main\{max-width:860px;/);
  });

  it('shows components with their bars, current and past incidents, and upcoming maintenance', () => {
    const p = page(4);
    const windows: MaintenanceWindowView[] = [{
      id: 'internal-window-id', title: 'Database upgrade', description: null, components: ['svc-1'], source: 'config', kind: 'once',
      startsAt: new Date(NOW + DAY).toISOString(), endsAt: new Date(NOW + DAY + 3_600_000).toISOString(), recoverAfter: null, status: 'upcoming', endedAt: null, author: null,
    }];
    const html = renderPage(input(p, { incidents: 3, statuses: { 'feature-1': 'major_outage' }, maintenances: windows }), uptime(p));
    const section = (name: string) => html.slice(html.indexOf(`<h2>${name}</h2>`), html.indexOf('<h2>', html.indexOf(`<h2>${name}</h2>`) + 4));
    expect(html).toContain('<div class="banner s-critical">Major System Outage</div>');
    expect(section('Current incidents')).toContain('id="incident-pub000000000"');
    expect(section('Past incidents')).toContain('id="incident-pub000000001"');
    expect(section('Past incidents')).not.toContain('id="incident-pub000000000"');
    expect(section('Components')).toMatch(/id="component-feature-1"><div class="row"><span>Product feature 1<\/span><span class="st major_outage">Major outage<\/span>/);
    expect(section('Components')).toContain('<h3>Area 1</h3>');
    expect(section('Components')).toContain('99.87 % uptime');
    expect(section('Upcoming maintenance')).toContain('Database upgrade');
    expect(section('Upcoming maintenance')).toContain('Product feature 1');
    expect(html).not.toContain('internal-window-id');
    expect(html).not.toContain('svc-');
  });

  it('says "related to a third-party provider" only when the page allows it and every cause is a vendor', () => {
    const statuses = { 'feature-0': 'partial_outage' as const };
    const note = 'Related to a third-party provider.';
    expect(renderPage(input(page(2, true), { statuses, thirdParty: true }), undefined)).toContain(note);
    expect(renderPage(input(page(2, false), { statuses, thirdParty: true }), undefined)).not.toContain(note);
    expect(renderPage(input(page(2, true), { statuses, thirdParty: false }), undefined)).not.toContain(note);
    expect(renderPage(input(page(2, true), { thirdParty: true }), undefined)).not.toContain(note);
  });
});
