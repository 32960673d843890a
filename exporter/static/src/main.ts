/*
 * The status page. Loads the full picture once (components, incidents, uptime, latency), then
 * lives on the SSE stream: every snapshot repaints states, extends the sparklines and the uptime
 * bars; every incident event updates the timeline. Nothing polls.
 */
import { maintenanceClasses, maintenanceLine } from './maintenance.js';
import { maintenanceForm } from './maintenance-form.js';
import { getJson, postJson } from './api.js';
import { byId, h, replace, s } from './dom.js';
import { createGraph } from './graph.js';
import {
  STATE_LABELS, TIER_LABELS, addSample, addToDay, affectedLine, availabilityOf, budgetLeft, byTier, daySlots, formatDuration, formatPercent, headline,
  mergeSnapshot, orderIncidents, sparkline, timelineNewestFirst, upsertIncident,
  type Bucket, type ComponentView, type DayRow, type IncidentView, type Series, type SnapshotEvent, type State,
} from './model.js';
import { connectStream } from './stream.js';
import { dayPanel, type DayView } from './day.js';

interface Boot {
  canWrite: boolean;
  signedIn: boolean;
  readPublic: boolean;
  demo: boolean;
  intervalMs: number;
}

const boot = JSON.parse(byId('boot').textContent ?? '{}') as Boot;
const UPTIME_DAYS = 90;

let components: ComponentView[] = [];
let incidents: IncidentView[] = [];
let uptime = new Map<string, DayRow[]>();
let uptimeFrom = Date.now();
const series = new Map<string, Series>();
/** [start ms, end ms] of the times the exporter was not running in the last day (/api/v1/latency). */
let downtime: [number, number][] = [];
/** The uptime day opened below its bar, and what the API said about it. */
let openDay: { component: string; day: string; view?: DayView; error?: string } | undefined;
/** Per component, the day the keyboard is on in its bar (index into the 90 slots). */
const dayFocus = new Map<string, number>();
let lastSnapshotAt: number | undefined;
type DemoEntry = { name: string; failed: boolean; slow?: boolean };
/** Component -> what the demo did to it: broken, slowed down, or nothing. */
let demoState = new Map<string, 'failed' | 'slow'>();
function setDemoState(list: readonly DemoEntry[]): void {
  demoState = new Map(list.flatMap((c): [string, 'failed' | 'slow'][] => (c.failed ? [[c.name, 'failed']] : c.slow ? [[c.name, 'slow']] : [])));
}
const graph = createGraph(byId('graph'));

// ---- theme ---------------------------------------------------------------------------------
const themeButton = byId<HTMLButtonElement>('theme');
function applyTheme(t: string): void {
  document.documentElement.dataset.theme = t;
  themeButton.textContent = t === 'dark' ? 'Light' : 'Dark';
}
applyTheme(localStorage.getItem('statusgraph-theme') === 'light' ? 'light' : 'dark');
themeButton.addEventListener('click', () => {
  const next = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark';
  localStorage.setItem('statusgraph-theme', next);
  applyTheme(next);
});

// ---- session -------------------------------------------------------------------------------
function renderSession(): void {
  const el = byId('session');
  if (boot.signedIn) {
    replace(el, h('form', { method: 'post', action: 'logout', class: 'inline' }, h('button', { type: 'submit' }, 'Sign out')));
  } else if (!boot.canWrite) {
    replace(el, h('a', { href: 'login', class: 'button' }, 'Sign in'));
  }
}

// ---- live mark -----------------------------------------------------------------------------
function setLive(live: boolean): void {
  const el = byId('live');
  el.className = live ? 'live' : 'live stale';
  el.textContent = live ? 'Live' : 'Stale · reconnecting';
  document.body.dataset.stream = live ? 'live' : 'stale';
}

// ---- summary + grid ------------------------------------------------------------------------
const stateLabel = (st: State) => STATE_LABELS[st];

function probeKey(component: string, probe: string): string {
  return `${component}\u0000${probe}`;
}

function sparkSvg(buckets: readonly Bucket[]): SVGElement {
  const w = 120;
  const ht = 24;
  const sp = sparkline(buckets, w, ht, downtime);
  return s('svg', { class: 'spark', viewBox: `0 0 ${w} ${ht}`, width: w, height: ht, 'aria-hidden': 'true' },
    ...sp.gaps.map(([x, gw]) => s('rect', { x, y: 0, width: gw, height: ht, class: 'gap' }, s('title', {}, 'exporter not running'))),
    ...sp.failures.map((x) => s('line', { x1: x, x2: x, y1: 0, y2: ht, class: 'fail' })),
    sp.path ? s('path', { d: sp.path }) : null);
}

function card(c: ComponentView): HTMLElement {
  const probes = c.probes ?? [];
  return h('article', { class: `comp s-${c.state}${c.impacted ? ' impacted' : ''}${maintenanceClasses(c)}`, 'data-component': c.name, 'data-state': c.state, 'data-impacted': String(c.impacted) },
    h('header', {},
      h('span', { class: 'dot', 'aria-hidden': 'true' }),
      h('h4', {}, c.displayName),
      h('span', { class: 'state' }, stateLabel(c.state))),
    maintenanceLine(c) ? h('p', { class: 'maint' }, maintenanceLine(c)!) : null,
    c.impacted ? h('p', { class: 'impact' }, `Impacted by ${c.rootCauses.join(', ')}`) : null,
    affectedLine(c) ? h('p', { class: 'affect' }, affectedLine(c)!) : null,
    c.reason && c.state !== 'operational' ? h('p', { class: 'reason' }, c.reason) : null,
    h('ul', { class: 'probes' }, ...probes.map((p) => {
      const ser = series.get(probeKey(c.name, p.name));
      return h('li', {},
        h('span', { class: `pname${p.success ? '' : ' bad'}` }, p.name),
        sparkSvg(ser?.buckets ?? []),
        h('span', { class: 'lat' }, p.success ? `${Math.round(p.durationSeconds * 1000)} ms` : (p.error ?? 'failed')));
    })),
    h('footer', {}, `since ${new Date(c.since).toLocaleTimeString()}`,
      // Only web links: a javascript: URL in a config must not become a clickable script.
      c.runbook && /^https?:\/\//i.test(c.runbook) ? h('a', { href: c.runbook, rel: 'noopener noreferrer', target: '_blank' }, 'runbook') : null));
}

function renderSummary(): void {
  const hl = headline(components);
  const el = byId('summary');
  el.className = `summary s-${hl.state}`;
  el.dataset.state = hl.state;
  replace(el, h('p', {}, hl.text));
  // The tab title tells the state while the page is in the background.
  const bad = components.filter((c) => c.state !== 'operational').length;
  document.title = bad ? `(${bad}) ${stateLabel(hl.state)} · statusgraph` : 'Operational · statusgraph';
}

function renderGrid(): void {
  replace(byId('grid'), ...byTier(components).map((t) =>
    h('section', { class: 'tier' }, h('h3', {}, TIER_LABELS[t.tier] ?? t.tier), h('div', { class: 'cards' }, ...t.components.map(card)))));
}

// ---- uptime --------------------------------------------------------------------------------
/** " · budget 62.0 % left" after the name of a component with an objective. */
function budgetNote(c: ComponentView, days: readonly DayRow[]): Node[] {
  if (!c.slo) return [];
  const left = budgetLeft(days, c.slo.objective, c.slo.windowDays, Date.now());
  const title = `Error budget of ${c.slo.objective} % over ${c.slo.windowDays} days left, from the uptime bars`;
  return [h('span', { class: `upbudget${left !== null && left < 0 ? ' over' : ''}`, title }, left === null ? ' · budget: no data' : ` · budget ${formatPercent(left)} left`)];
}

function openDayOf(component: string, day: string): void {
  if (openDay?.component === component && openDay.day === day) {
    openDay = undefined;
    renderUptime();
    return;
  }
  const want = { component, day };
  openDay = want;
  renderUptime();
  getJson<DayView>(`api/v1/components/${encodeURIComponent(component)}/days/${day}`).then(
    (view) => { if (openDay === want) { openDay = { ...want, view }; renderUptime(); } },
    (err: Error) => { if (openDay === want) { openDay = { ...want, error: err.message }; renderUptime(); } });
}

/** Click a day, or focus the bar and choose one with the arrow keys and Enter. */
function barsFor(name: string, slots: readonly { day: string; worst: State | null; availability: number | null }[]): SVGElement {
  const w = 3;
  const gap = 1;
  const focus = dayFocus.get(name) ?? slots.length - 1;
  const svg = s('svg', {
    class: 'bars', viewBox: `0 0 ${UPTIME_DAYS * (w + gap)} 20`, preserveAspectRatio: 'none', role: 'group', tabindex: 0,
    'aria-label': `${name} daily uptime; arrow keys choose a day (${slots[focus]?.day ?? ''}), Enter opens it`,
  }, ...slots.map((d, i) => s('rect', {
    x: i * (w + gap), y: 0, width: w, height: 20, 'data-day': d.day,
    class: `${d.worst ? `s-${d.worst}` : 'nodata'}${i === focus && dayFocus.has(name) ? ' sel' : ''}`,
  }, s('title', {}, `${d.day}: ${d.worst ? `${formatPercent(d.availability)} available, worst ${stateLabel(d.worst)}` : 'no data'}`))));
  svg.addEventListener('click', (e) => {
    const day = (e.target as Element).getAttribute('data-day');
    if (day) openDayOf(name, day);
  });
  svg.addEventListener('keydown', (e) => {
    const k = (e as KeyboardEvent).key;
    if (k === 'ArrowLeft' || k === 'ArrowRight') {
      dayFocus.set(name, Math.max(0, Math.min(slots.length - 1, focus + (k === 'ArrowLeft' ? -1 : 1))));
      e.preventDefault();
      renderUptime();
      document.querySelector<SVGElement>(`#uptime .uprow[data-component="${CSS.escape(name)}"] .bars`)?.focus();
    } else if (k === 'Enter' || k === ' ') {
      e.preventDefault();
      openDayOf(name, slots[focus]!.day);
    }
  });
  return svg;
}

function renderUptime(): void {
  const rows = components.flatMap((c) => {
    const days = uptime.get(c.name) ?? [];
    const slots = daySlots(days, Date.now(), UPTIME_DAYS);
    const row = h('div', { class: 'uprow', 'data-component': c.name },
      h('span', { class: 'upname' }, c.name, ...budgetNote(c, days)), barsFor(c.name, slots), h('span', { class: 'uppct' }, formatPercent(availabilityOf(days))));
    if (openDay?.component !== c.name) return [row];
    const close = () => { openDay = undefined; renderUptime(); };
    const panel = openDay.view ? dayPanel(openDay.view, close)
      : h('section', { class: 'daypanel card', 'data-component': c.name, 'data-day': openDay.day }, openDay.error ? h('p', { class: 'error' }, openDay.error) : h('p', { class: 'muted' }, `Loading ${openDay.day}…`));
    return [row, panel];
  });
  replace(byId('uptime'), ...rows);
  const since = new Date(uptimeFrom);
  byId('uptime-note').textContent = `Daily, UTC, last ${UPTIME_DAYS} days or since ${since.toISOString().slice(0, 10)} (first start). Available = operational or degraded.`;
}

// ---- incidents -----------------------------------------------------------------------------
function incidentEl(i: IncidentView): HTMLElement {
  const open = i.resolvedAt === null;
  const timeline = timelineNewestFirst(i.timeline ?? []);
  const writes = boot.canWrite && open ? incidentForms(i) : null;
  return h('article', { class: `incident ${open ? 'open' : 'resolved'} sev-${i.severity}`, id: `incident-${i.id}`, 'data-id': i.id, 'data-status': i.status },
    h('header', {},
      h('span', { class: 'badge' }, open ? i.status : 'resolved'),
      h('h4', {}, `${i.id} · ${i.title}`)),
    h('p', { class: 'meta' },
      `${i.source === 'auto' ? 'automatic' : 'manual'} · ${i.severity} · started ${new Date(i.startedAt).toLocaleString()}`,
      open ? '' : ` · resolved after ${formatDuration(i.durationSeconds ?? 0)}`),
    h('p', { class: 'meta' }, i.rootCause ? `Root cause ${i.rootCause}; ` : '', `affects ${i.components.join(', ')}`,
      open ? null : h('span', {}, ' · ', h('a', { href: `api/v1/incidents/${encodeURIComponent(i.id)}/summary`, target: '_blank', rel: 'noopener' }, 'post-mortem draft'))),
    // Newest first, numbered in time order: `reversed` counts down, `value` pins each number.
    timeline.length ? h('ol', { class: 'timeline', reversed: true }, ...timeline.map(({ n, entry: e }) =>
      h('li', { value: n }, h('time', { datetime: e.at }, new Date(e.at).toLocaleTimeString()), ' ', h('span', {}, e.text), e.author && e.author !== 'statusgraph' ? h('em', {}, ` (${e.author})`) : null))) : null,
    writes);
}

function incidentForms(i: IncidentView): HTMLElement {
  const msg = h('span', { class: 'msg', role: 'status' });
  const text = h('input', { name: 'text', placeholder: 'Update', maxlength: 4000, 'aria-label': 'Update text' });
  const status = h('select', { name: 'status', 'aria-label': 'Status' },
    ...['investigating', 'identified', 'monitoring'].map((st) => h('option', { value: st, selected: st === i.status }, st)));
  const submit = async (e: Event, path: string, body: Record<string, unknown>) => {
    e.preventDefault();
    msg.textContent = '';
    try {
      applyIncident(await postJson<IncidentView>(path, body));
    } catch (err) {
      msg.textContent = (err as Error).message;
    }
  };
  return h('div', { class: 'iforms' },
    h('form', { class: 'update', onsubmit: (e: Event) => void submit(e, `api/v1/incidents/${i.id}/updates`, { text: text.value, status: status.value }) },
      text, status, h('button', { type: 'submit' }, 'Post update')),
    h('form', { class: 'resolve', onsubmit: (e: Event) => void submit(e, `api/v1/incidents/${i.id}/resolve`, text.value.trim() ? { text: text.value } : {}) },
      h('button', { type: 'submit' }, 'Resolve')),
    msg);
}

function renderIncidents(): void {
  const list = orderIncidents(incidents);
  replace(byId('incidents'), list.length ? null : h('p', { class: 'muted' }, 'No incidents.'), ...list.map(incidentEl));
}

function renderCreateForm(): void {
  const el = byId('incident-form');
  if (!boot.canWrite) {
    replace(el);
    replace(byId('maintenance-form'));
    return;
  }
  const msg = h('span', { class: 'msg', role: 'status' });
  const title = h('input', { name: 'title', required: true, maxlength: 200, placeholder: 'What is happening?', 'aria-label': 'Title' });
  const text = h('textarea', { name: 'text', maxlength: 4000, rows: 2, placeholder: 'Details (optional)', 'aria-label': 'Details' });
  const severity = h('select', { name: 'severity', 'aria-label': 'Severity' }, ...['minor', 'major', 'critical'].map((v) => h('option', { value: v }, v)));
  const boxes = components.map((c) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'components', value: c.name }), c.name));
  const form = h('form', { class: 'card create' },
    h('h3', {}, 'Open a manual incident'), title, text,
    h('fieldset', {}, h('legend', {}, 'Affected components'), ...boxes),
    h('div', { class: 'row' }, severity, h('button', { type: 'submit' }, 'Open incident'), msg));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const chosen = boxes.map((b) => b.querySelector('input')!).filter((b) => b.checked).map((b) => b.value);
    msg.textContent = '';
    postJson<IncidentView>('api/v1/incidents', { title: title.value, components: chosen, severity: severity.value, ...(text.value.trim() ? { text: text.value } : {}) })
      .then((inc) => { applyIncident(inc); form.reset(); }, (err: Error) => { msg.textContent = err.message; });
  });
  replace(el, h('details', {}, h('summary', {}, 'New incident'), form));
  replace(byId('maintenance-form'), maintenanceForm(components.map((c) => c.name)));
}

function applyIncident(inc: IncidentView): void {
  incidents = upsertIncident(incidents, inc);
  renderIncidents();
  // Events carry the incident without its timeline; fetch it (once per change, not polling).
  if (!inc.timeline) {
    getJson<IncidentView>(`api/v1/incidents/${encodeURIComponent(inc.id)}`).then((full) => {
      incidents = upsertIncident(incidents, full);
      renderIncidents();
    }, () => undefined);
  }
}

// ---- demo control --------------------------------------------------------------------------
function renderDemo(): void {
  const el = byId('demo');
  if (!boot.demo) return;
  el.hidden = false;
  const msg = h('span', { class: 'msg', role: 'status' });
  const act = (action: 'fail' | 'heal' | 'slow', name: string) => {
    msg.textContent = '';
    postJson<{ components: DemoEntry[] }>(`api/v1/demo/${action}`, { component: name })
      .then((r) => { setDemoState(r.components); renderDemo(); }, (err: Error) => { msg.textContent = err.message; });
  };
  const button = (action: 'fail' | 'heal' | 'slow', name: string, label: string) =>
    h('button', { type: 'button', 'data-action': action, 'data-component': name, onclick: () => act(action, name) }, label);
  const buttons = components.map((c) => {
    const done = demoState.get(c.name);
    return h('li', { 'data-component': c.name, class: done ?? '' },
      h('span', {}, c.name),
      boot.canWrite
        ? h('span', { class: 'acts' }, ...(done ? [button('heal', c.name, 'Heal')] : [button('slow', c.name, 'Slow'), button('fail', c.name, 'Break')]))
        : null);
  });
  replace(el, h('h2', {}, 'Demo control'),
    h('p', { class: 'muted' }, boot.canWrite
      ? 'Break a simulated service (or slow it down) and watch the state, the cascade and the incident; heal it to see the recovery.'
      : 'Sign in with the token the demo printed to break, slow down and heal simulated services.'),
    h('ul', { class: 'demo-list' }, ...buttons), msg);
}

// ---- wiring --------------------------------------------------------------------------------
let structure = '';
let statesKey = '';
let uptimeRenderedAt = 0;
let frame = 0;

function renderNow(): void {
  frame = 0;
  renderSummary();
  renderGrid();
  graph.update(components);
  // The bars change slowly: redraw them on a state change, otherwise every few seconds.
  const states = components.map((c) => `${c.name}:${c.state}`).join(',');
  const statesChanged = states !== statesKey;
  statesKey = states;
  if (statesChanged || Date.now() - uptimeRenderedAt > 5_000) {
    uptimeRenderedAt = Date.now();
    renderUptime();
  }
  const names = components.map((c) => c.name).join(',');
  if (names !== structure) {
    structure = names;
    renderCreateForm();
    renderDemo();
  } else if (statesChanged && boot.demo) {
    // Someone may have used `statusgraph demo fail|heal`: refresh the buttons (on change only).
    getJson<{ components: DemoEntry[] }>('api/v1/demo').then((r) => {
      setDemoState(r.components);
      renderDemo();
    }, () => undefined);
  }
}

/** Several snapshots can arrive within one frame (one per probe result): paint once. */
function renderAll(): void {
  if (!frame) frame = requestAnimationFrame(renderNow);
}

function onSnapshot(data: unknown): void {
  const snap = data as SnapshotEvent;
  const at = Date.parse(snap.generatedAt);
  // Extend today's uptime bar with the time since the previous snapshot, in the state then shown.
  if (lastSnapshotAt !== undefined && at > lastSnapshotAt) {
    const dt = (at - lastSnapshotAt) / 1000;
    for (const c of components) {
      if (c.checked === false) continue;
      uptime.set(c.name, addToDay(uptime.get(c.name) ?? [], at, c.state, dt));
    }
  }
  lastSnapshotAt = at;
  components = mergeSnapshot(components, snap);
  for (const c of snap.components) {
    for (const p of c.probes ?? []) {
      if (p.inconclusive) continue;
      const key = probeKey(c.name, p.name);
      let ser = series.get(key);
      if (!ser) series.set(key, (ser = { widthMs: boot.intervalMs, buckets: [], counts: new Map(), lastCheckedAt: 0 }));
      addSample(ser, Date.parse(p.checkedAt), p.success ? p.durationSeconds : null);
    }
  }
  document.body.dataset.seq = String(snap.seq);
  byId('seq').textContent = String(snap.seq);
  byId('updated').textContent = new Date(at).toLocaleTimeString();
  renderAll();
}

async function start(): Promise<void> {
  renderSession();
  setLive(false);
  const [comps, incs, up, lat, demo] = await Promise.all([
    getJson<{ components: ComponentView[]; generatedAt: string }>('api/v1/components'),
    getJson<{ incidents: IncidentView[] }>('api/v1/incidents?limit=50').catch(() => ({ incidents: [] })),
    getJson<{ from: string; components: { name: string; days: DayRow[] }[] }>(`api/v1/uptime?days=${UPTIME_DAYS}`),
    getJson<{ gaps?: [number, number][]; probes: { component: string; probe: string; widthMs: number; buckets: Bucket[] }[] }>('api/v1/latency'),
    boot.demo ? getJson<{ components: DemoEntry[] }>('api/v1/demo') : Promise.resolve({ components: [] }),
  ]);
  components = comps.components;
  incidents = incs.incidents;
  uptimeFrom = Date.parse(up.from);
  uptime = new Map(up.components.map((c) => [c.name, c.days]));
  downtime = lat.gaps ?? [];
  for (const p of lat.probes) {
    const last = p.buckets[p.buckets.length - 1];
    series.set(probeKey(p.component, p.probe), { widthMs: p.widthMs, buckets: p.buckets, counts: new Map(), lastCheckedAt: last ? last[0] : 0 });
  }
  setDemoState(demo.components);
  lastSnapshotAt = Date.parse(comps.generatedAt);
  renderNow();
  renderIncidents();
  for (const i of incidents.filter((x) => x.resolvedAt === null)) applyIncident(i);
  connectStream('api/v1/events', Math.max(3 * boot.intervalMs, 45_000), {
    onSnapshot,
    onIncident: (d) => applyIncident((d as { incident: IncidentView }).incident),
    onLive: setLive,
  });
}

start().catch((err: Error) => {
  replace(byId('summary'), h('p', { class: 'error' }, `Could not load the status: ${err.message}`));
});
