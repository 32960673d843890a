/*
 * The public HTML page: server-rendered, no framework, no script, one inline stylesheet (light and
 * dark by prefers-color-scheme, one column on a phone). Components with their 90-day uptime bars,
 * current incidents, upcoming maintenance and the newest past incidents (older ones are in the
 * feeds and incidents.json). The issue sets "well under 100 KB": 20 components with 90 days of
 * data each and 50 incidents made 155 KB before compression (6.8 KB gzipped), 94 KB of it bars
 * with a date and a status on every day, 53 KB incidents; a bar now says so only on the days that
 * were not operational, and 10 past incidents are shown: 59 KB (3.4 KB gzipped) with a bad day in
 * ten (exporter/test/pages/html.test.ts).
 */
import type { UptimeReport } from '../history/index.js';
import type { PublicIncident } from '../incidents/public.js';
import { groupStatus, type PublicStatus } from './derive.js';
import { escapeHtml as h, STATUS_WORDS } from './escape.js';
import { statusJson, type PageJsonInput } from './statuspage-json.js';
import { maintenancesJson } from './maintenance-json.js';
import type { TrackedComponent } from './tracker.js';

const STYLE = `
:root{--bg:#fff;--fg:#1d2330;--mute:#667085;--line:#e4e7ec;--ok:#2e9e5b;--minor:#e2b007;--major:#e8710a;--crit:#d92d20;--maint:#2f6fdb;--none:#d0d5dd}
@media (prefers-color-scheme:dark){:root{--bg:#10141b;--fg:#e6e9ef;--mute:#98a2b3;--line:#2a313c;--none:#3a4250}}
*{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif}
main{max-width:860px;margin:0 auto;padding:24px 16px}h1{font-size:1.6rem;margin:0 0 16px}h2{font-size:1.1rem;margin:32px 0 8px}
.banner{padding:14px 16px;border-radius:8px;color:#fff;font-weight:600}.s-none{background:var(--ok)}.s-minor{background:var(--minor)}
.s-major{background:var(--major)}.s-critical{background:var(--crit)}.s-maintenance{background:var(--maint)}
.comp{border:1px solid var(--line);border-radius:8px;padding:12px 14px;margin:8px 0}.row{display:flex;justify-content:space-between;gap:8px;flex-wrap:wrap}
.group>.comp{margin-left:12px}.st{font-weight:600}.operational{color:var(--ok)}.degraded_performance{color:var(--minor)}.partial_outage{color:var(--major)}
.major_outage{color:var(--crit)}.under_maintenance{color:var(--maint)}.note,.mute{color:var(--mute);font-size:.9em}
.bars{display:flex;gap:1px;height:28px;margin-top:8px}.bars i{flex:1;border-radius:1px;background:var(--none)}
.bars .d0{background:var(--ok)}.bars .d1{background:var(--minor)}.bars .d2{background:var(--major)}.bars .d3{background:var(--crit)}
.inc{border-left:4px solid var(--line);padding:4px 12px;margin:12px 0}.inc h3{margin:0;font-size:1rem}.upd{margin:6px 0}
@media (max-width:600px){.bars i:nth-child(-n+60){display:none}}`;

/** Past incidents on the page, newest first; the feeds and incidents.json have the others. */
const PAST_SHOWN = 10;

const DAY_CLASS: Readonly<Record<string, string>> = { operational: 'd0', degraded: 'd1', partial_outage: 'd2', major_outage: 'd3' };

function bars(uptime: UptimeReport | undefined, id: string): string {
  const u = uptime?.components.find((c) => c.name === id);
  if (!u) return '';
  const byDay = new Map(u.days.map((d) => [d.day, d]));
  const cells: string[] = [];
  for (let n = uptime!.days - 1; n >= 0; n--) {
    const day = new Date(uptime!.to - n * 86_400_000).toISOString().slice(0, 10);
    const d = byDay.get(day);
    // A tooltip only where there is something to say: most days are operational.
    if (!d) cells.push('<i></i>');
    else if (d.worst === 'operational') cells.push('<i class="d0"></i>');
    else cells.push(`<i class="${DAY_CLASS[d.worst]}" title="${day}: ${h(STATUS_WORDS[d.worst === 'degraded' ? 'degraded_performance' : d.worst]!)}"></i>`);
  }
  const share = u.availability === null ? 'no data yet' : `${(u.availability * 100).toFixed(2)} % uptime`;
  return `<div class="bars" aria-hidden="true">${cells.join('')}</div><div class="row mute"><span>${uptime!.days} days ago</span><span>${share}</span><span>Today</span></div>`;
}

function component(c: TrackedComponent, description: string | undefined, i: PageJsonInput, uptime: UptimeReport | undefined): string {
  const note = i.state.page.thirdPartyNote && c.thirdParty && c.status !== 'operational' ? '<div class="note">Related to a third-party provider.</div>' : '';
  return `<div class="comp" id="component-${h(c.id)}"><div class="row"><span>${h(c.name)}</span><span class="st ${c.status}">${STATUS_WORDS[c.status]}</span></div>`
    + `${description ? `<div class="mute">${h(description)}</div>` : ''}${note}${bars(uptime, c.id)}</div>`;
}

function components(i: PageJsonInput, uptime: UptimeReport | undefined): string {
  const tracked = new Map(i.state.components.map((c) => [c.id, c]));
  const out: string[] = [];
  const done = new Set<string>();
  for (const pc of i.state.page.components) {
    if (pc.groupId === undefined) { out.push(component(tracked.get(pc.id)!, pc.description, i, uptime)); continue; }
    if (done.has(pc.groupId)) continue;
    done.add(pc.groupId);
    const members = i.state.page.components.filter((m) => m.groupId === pc.groupId);
    const status: PublicStatus = groupStatus(members.map((m) => tracked.get(m.id)!.status));
    out.push(`<div class="group"><div class="row"><h3>${h(pc.group!)}</h3><span class="st ${status}">${STATUS_WORDS[status]}</span></div>`
      + `${members.map((m) => component(tracked.get(m.id)!, m.description, i, uptime)).join('')}</div>`);
  }
  return out.join('');
}

function incident(x: PublicIncident): string {
  const updates = [...x.updates].reverse().map((u) => `<div class="upd"><strong>${STATUS_WORDS[u.status]}</strong> - ${h(u.body)}<br><span class="mute">${new Date(u.at).toUTCString()}</span></div>`);
  return `<article class="inc" id="incident-${h(x.id)}"><h3>${h(x.title)}</h3>${updates.join('')}</article>`;
}

/** Active and upcoming maintenance windows that touch the page, in plain words and UTC times. */
function maintenances(i: PageJsonInput): string {
  const list = maintenancesJson(i.state.page, i.maintenances ?? [], i.baseUrl).filter((m) => m.status !== 'completed');
  if (list.length === 0) return '<p class="mute">No maintenance is scheduled.</p>';
  return list.map((m) => `<div class="incident" id="maintenance-${h(m.id)}"><strong>${h(m.name)}</strong> <span class="mute">${m.status === 'in_progress' ? 'in progress' : 'scheduled'}: ${h(new Date(m.scheduled_for).toUTCString())} to ${h(new Date(m.scheduled_until).toUTCString())}</span><br><span class="mute">${h(m.components.map((c) => c.name).join(', '))}</span></div>`).join('');
}

export function renderPage(i: PageJsonInput, uptime: UptimeReport | undefined): string {
  const status = statusJson(i);
  const open = i.incidents.filter((x) => x.resolvedAt === null);
  const resolved = i.incidents.filter((x) => x.resolvedAt !== null);
  const past = resolved.slice(0, PAST_SHOWN);
  const older = resolved.length > past.length ? '<p class="mute">Older incidents are in the feeds and the JSON below.</p>' : '';
  const title = h(i.state.page.title);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="color-scheme" content="light dark"><meta http-equiv="refresh" content="60"><title>${title}</title>
<link rel="alternate" type="application/atom+xml" title="${title}" href="${h(i.baseUrl)}/history.atom">
<link rel="alternate" type="application/rss+xml" title="${title}" href="${h(i.baseUrl)}/history.rss"><style>${STYLE}</style></head>
<body><main><h1>${title}</h1><div class="banner s-${status.indicator}">${h(status.description)}</div>
${open.length ? `<h2>Current incidents</h2>${open.map(incident).join('')}` : ''}
<h2>Components</h2>${components(i, uptime)}
<h2>Upcoming maintenance</h2>${maintenances(i)}
<h2>Past incidents</h2>${past.length ? past.map(incident).join('') + older : '<p class="mute">No incidents reported.</p>'}
<p class="mute">Updated ${new Date(i.now).toUTCString()} · <a href="${h(i.baseUrl)}/history.atom">Atom</a> · <a href="${h(i.baseUrl)}/history.rss">RSS</a> · <a href="${h(i.baseUrl)}/api/v2/summary.json">JSON</a></p>
</main></body></html>`;
}
