/*
 * The status page. Loads the components and incidents once, then lives on the SSE stream: the
 * first event is the picture (or what changed since the components were read), later `diff`
 * events carry only the components that changed. The grid and the uptime bars are virtualised
 * (only rows in view are in the DOM) and filtered; sparklines and uptime days are fetched for the
 * rows in view. Nothing polls.
 */
import { maintenanceForm } from './maintenance-form.js';
import { componentPicker } from './picker.js';
import { getJson, postJson } from './api.js';
import { byId, h, lazyDetails, replace } from './dom.js';
import { createFilterBar } from './filters.js';
import { applyFilter, hasProblem, stateCounts, type Filter } from './filter.js';
import { createGraph } from './graph.js';
import { createGrid } from './grid.js';
import { createLoader, latencyOf, uptimeOf } from './loader.js';
import {
  STATE_LABELS, addSample, addToDay, formatDuration, headline,
  orderIncidents, timelineNewestFirst, upsertIncident,
  type Bucket, type ComponentView, type DayRow, type IncidentView, type Series, type State,
} from './model.js';
import { applyDiff, canApply, mergeComponent, type DiffEvent } from './stream-state.js';
import { connectStream, type Stream } from './stream.js';
import { UPTIME_DAYS, createUptime } from './uptime.js';
import { compareTiers, expandPageComponent, type Tier } from '@statusgraph/core';
import { ToldCache, toldEl } from './public-incidents.js';
import { createLater } from './later.js';
import { watchCluster } from './cluster.js';

interface Boot {
  canWrite: boolean;
  signedIn: boolean;
  readPublic: boolean;
  demo: boolean;
  intervalMs: number;
  cluster?: boolean;
}

const boot = JSON.parse(byId('boot').textContent ?? '{}') as Boot;

/** Every component by name, as the stream last said. */
const byName = new Map<string, ComponentView>();
/** The stream version the page holds (`<epoch>.<seq>`). */
let version: string | undefined;
let incidents: IncidentView[] = [];
const uptime = new Map<string, DayRow[]>();
let uptimeFrom: number | undefined;
const series = new Map<string, Series>();
/** [start ms, end ms] of the times the exporter was not running in the last day (/api/v1/latency). */
let downtime: [number, number][] = [];
let lastSnapshotAt: number | undefined;
const counters = { snapshots: 0, diffs: 0 };
type DemoEntry = { name: string; failed: boolean; slow?: boolean };
/** Component -> what the demo did to it: broken, slowed down, or nothing. */
let demoState = new Map<string, 'failed' | 'slow'>();
function setDemoState(list: readonly DemoEntry[]): void {
  demoState = new Map(list.flatMap((c): [string, 'failed' | 'slow'][] => (c.failed ? [[c.name, 'failed']] : c.slow ? [[c.name, 'slow']] : [])));
}
const components = () => [...byName.values()];

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

// ---- summary -------------------------------------------------------------------------------
const stateLabel = (st: State) => STATE_LABELS[st];
const probeKey = (component: string, probe: string) => `${component}\u0000${probe}`;

function renderSummary(all: readonly ComponentView[]): void {
  const hl = headline(all);
  const el = byId('summary');
  el.className = `summary s-${hl.state}`;
  el.dataset.state = hl.state;
  replace(el, h('p', {}, hl.text));
  // The tab title tells the state while the page is in the background.
  const bad = all.filter((c) => c.state !== 'operational').length;
  document.title = bad ? `(${bad}) ${stateLabel(hl.state)} · statusgraph` : 'Operational · statusgraph';
}

// ---- grid, uptime bars, graph, filters -----------------------------------------------------
const sparkLoader = createLoader(async (names) => {
  const lat = await latencyOf(names);
  downtime = lat.gaps ?? downtime;
  for (const p of lat.probes) {
    const last = p.buckets[p.buckets.length - 1];
    series.set(probeKey(p.component, p.probe), { widthMs: p.widthMs, buckets: p.buckets as Bucket[], counts: new Map(), lastCheckedAt: last ? last[0] : 0 });
  }
}, () => schedule(false));
const uptimeLoader = createLoader(async (names) => {
  const up = await uptimeOf(names, UPTIME_DAYS);
  uptimeFrom = Date.parse(up.from);
  for (const c of up.components) uptime.set(c.name, c.days);
  for (const n of names) if (!uptime.has(n)) uptime.set(n, []);
}, () => { dirty.uptime = true; schedule(false); });

const grid = createGrid(byId('grid'), {
  series: (c, p) => (sparkLoader.has(c) ? series.get(probeKey(c, p))?.buckets ?? [] : undefined),
  downtime: () => downtime,
  onFocus: (name) => {
    focusGraph(name);
    byId('graph').scrollIntoView({ block: 'start' });
  },
});
const uptimeView = createUptime(byId('uptime'), { days: (n) => (uptimeLoader.has(n) ? uptime.get(n) : undefined) });
const graph = createGraph(byId('graph'), (name) => focusGraph(name));
function focusGraph(name: string | undefined): void {
  graph.focus(name);
}
let filter: Filter;
const filterBar = createFilterBar(byId('filters'), (f) => { filter = f; schedule(false, true); });
filter = filterBar.filter();

let shown: ComponentView[] = [];
/** Re-filter and re-sort (a state changed, a component came or went, the filter changed): the grid and its bar. */
function refilter(all: readonly ComponentView[]): void {
  shown = applyFilter(all, filter);
  const tiers = [...new Set(all.map((c) => c.tier))].sort(compareTiers) as Tier[];
  const envs = [...new Set(all.map((c) => c.environment ?? 'production'))].sort();
  filterBar.update(stateCounts(all), tiers, envs, shown.length, all.length);
  grid.show(shown);
  document.body.dataset.total = String(all.length);
  document.body.dataset.problems = String(all.filter(hasProblem).length);
}

let frame = 0;
/** What the next frame must redo: states or membership changed (everything), or only the filter. */
const dirty = { states: false, filter: false, uptime: false };
let structure = '';
let uptimeRenderedAt = 0;
/** What is below the grid waits for the frame that shows it (later.ts). */
const later = createLater();

function renderUptime(): void {
  uptimeRenderedAt = Date.now();
  uptimeView.show(shown);
  uptimeLoader.want(uptimeView.visibleNames());
  if (uptimeFrom !== undefined) {
    byId('uptime-note').textContent = `Daily, UTC, last ${UPTIME_DAYS} days or since ${new Date(uptimeFrom).toISOString().slice(0, 10)} (first start). Available = operational or degraded.`;
  }
}

/** The forms' component lists and the demo buttons follow the component list. */
function renderStructure(): void {
  const names = components().map((c) => c.name).join(',');
  if (names !== structure) {
    structure = names;
    renderCreateForm();
    renderDemo();
  } else if (boot.demo) {
    refreshDemo();
  }
}

function renderNow(): void {
  frame = 0;
  const { states, filter: filterChanged, uptime: uptimeLoaded } = dirty;
  dirty.states = dirty.filter = dirty.uptime = false;
  if (states || filterChanged) {
    const all = components();
    refilter(all);
    // The headline is in view and names the state in the tab's title: with the grid.
    if (states) renderSummary(all);
    later.add('uptime', renderUptime);
    if (states) {
      // Only when a state, an impact or the component list changed: at 10,000 components the
      // graph model is a pass over all of them, a latency update is not.
      later.add('graph', () => graph.update(byName));
      later.add('structure', renderStructure);
    }
  } else {
    // Fresh latencies: the same list in the same order, with the components the stream last sent
    // (before, the cards kept the latencies of the last re-sort); rows in view are redrawn if what they show changed.
    shown = shown.map((c) => byName.get(c.name) ?? c);
    grid.show(shown);
    // The bars change slowly: when days arrived, otherwise every few seconds.
    if (uptimeLoaded || Date.now() - uptimeRenderedAt > 5_000) later.add('uptime', renderUptime);
  }
  sparkLoader.want(grid.visibleNames());
}

/** Several events can arrive within one frame: paint once. `states`: a state or the component list changed. */
function schedule(states: boolean, filterChanged = false): void {
  dirty.states ||= states;
  dirty.filter ||= filterChanged;
  if (!frame) frame = requestAnimationFrame(renderNow);
}

// Someone may have used `statusgraph demo fail|heal`: refresh the buttons (on change only).
function refreshDemo(): void {
  getJson<{ components: DemoEntry[] }>('api/v1/demo').then((r) => {
    setDemoState(r.components);
    renderDemo();
  }, () => undefined);
}

// ---- incidents -----------------------------------------------------------------------------
const told = new ToldCache();

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
    toldEl(i, told.get(i, renderIncidents), boot.canWrite ? told.pages : null),
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

/** The forms are built when first opened: their pickers sort and search every component's name. */
function renderCreateForm(): void {
  const el = byId('incident-form');
  if (!boot.canWrite) {
    replace(el);
    replace(byId('maintenance-form'));
    return;
  }
  const names = components().map((c) => c.name);
  replace(el, lazyDetails('New incident', () => incidentCreateForm(names)));
  replace(byId('maintenance-form'), lazyDetails('New maintenance window', () => maintenanceForm(names)));
}

function incidentCreateForm(names: readonly string[]): HTMLElement {
  const msg = h('span', { class: 'msg', role: 'status' });
  const title = h('input', { name: 'title', required: true, maxlength: 200, placeholder: 'What is happening?', 'aria-label': 'Title' });
  const text = h('textarea', { name: 'text', maxlength: 4000, rows: 2, placeholder: 'Details (optional)', 'aria-label': 'Details' });
  const severity = h('select', { name: 'severity', 'aria-label': 'Severity' }, ...['minor', 'major', 'critical'].map((v) => h('option', { value: v }, v)));
  const picker = componentPicker(names, 'Affected components');
  const form = h('form', { class: 'card create' },
    h('h3', {}, 'Open a manual incident'), title, text, picker.el,
    h('div', { class: 'row' }, severity, h('button', { type: 'submit' }, 'Open incident'), msg));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    msg.textContent = '';
    postJson<IncidentView>('api/v1/incidents', { title: title.value, components: picker.chosen(), severity: severity.value, ...(text.value.trim() ? { text: text.value } : {}) })
      .then((inc) => { applyIncident(inc); form.reset(); picker.clear(); }, (err: Error) => { msg.textContent = err.message; });
  });
  return form;
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
  const buttons = components().map((c) => {
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

// ---- stream --------------------------------------------------------------------------------
/** Extend today's uptime bar of each loaded component with the time since the previous event, in the state then shown. */
function extendUptime(atIso: string): void {
  const at = Date.parse(atIso);
  if (lastSnapshotAt !== undefined && at > lastSnapshotAt) {
    const dt = (at - lastSnapshotAt) / 1000;
    for (const [name, rows] of uptime) {
      const c = byName.get(name);
      if (!c || c.checked === false) continue;
      uptime.set(name, addToDay(rows, at, c.state, dt, c.planned === true));
    }
  }
  lastSnapshotAt = at;
  byId('updated').textContent = new Date(at).toLocaleTimeString();
}

function addSamples(list: readonly ComponentView[]): void {
  for (const c of list) {
    if (!sparkLoader.has(c.name)) continue;
    for (const p of c.probes ?? []) {
      if (p.inconclusive) continue;
      const key = probeKey(c.name, p.name);
      let ser = series.get(key);
      if (!ser) series.set(key, (ser = { widthMs: boot.intervalMs, buckets: [], counts: new Map(), lastCheckedAt: 0 }));
      addSample(ser, Date.parse(p.checkedAt), p.success ? p.durationSeconds : null);
    }
  }
}

function setVersion(v: string, seq: number): void {
  version = v;
  document.body.dataset.seq = String(seq);
  document.body.dataset.snapshots = String(counters.snapshots);
  document.body.dataset.diffs = String(counters.diffs);
  byId('seq').textContent = String(seq);
}

let stream: Stream | undefined;

function onSnapshot(data: unknown): void {
  const snap = data as { seq: number; version: string; generatedAt: string; components: ComponentView[] };
  counters.snapshots += 1;
  extendUptime(snap.generatedAt);
  const old = new Map(byName);
  byName.clear();
  for (const c of snap.components) byName.set(c.name, mergeComponent(old.get(c.name), c));
  addSamples(snap.components);
  setVersion(snap.version, snap.seq);
  schedule(true);
}

function onDiff(data: unknown): void {
  const diff = data as DiffEvent;
  // A diff that does not follow from what the page holds (a gap): ask for what was missed.
  if (!canApply(version, diff.since)) {
    stream?.resync();
    return;
  }
  counters.diffs += 1;
  extendUptime(diff.generatedAt);
  const applied = applyDiff(byName, diff);
  addSamples(diff.components);
  setVersion(diff.version, diff.seq);
  schedule(applied.reorder);
}

async function start(): Promise<void> {
  renderSession();
  setLive(false);
  const loading = Promise.all([
    // The page view: only what the page reads, empty fields left out (3.7 MB instead of 7.9 at 10,000).
    getJson<{ components: Record<string, unknown>[]; generatedAt: string; seq: number; version?: string }>('api/v1/components?view=page'),
    getJson<{ incidents: IncidentView[] }>('api/v1/incidents?limit=50').catch(() => ({ incidents: [] })),
    boot.demo ? getJson<{ components: DemoEntry[] }>('api/v1/demo') : Promise.resolve({ components: [] }),
  ]);
  // While they load (0.5-1.5 s at 10,000 components): the page's first time formatting (the cards'
  // "since") loads the locale's data, 50-130 ms in Chromium on this 2-core machine, loaded; here it
  // is not in the task that draws the first cards.
  new Date().toLocaleTimeString();
  const [comps, incs, demo] = await loading;
  for (const view of comps.components) {
    const c = expandPageComponent(view);
    byName.set(c.name, c);
  }
  incidents = incs.incidents;
  setDemoState(demo.components);
  lastSnapshotAt = Date.parse(comps.generatedAt);
  if (comps.version) setVersion(comps.version, comps.seq);
  dirty.states = true;
  renderNow();
  renderIncidents();
  // What customers were told: loaded beside the rest, shown when it comes (an older server without it shows nothing).
  told.loadAll(boot.canWrite).then(renderIncidents, () => undefined);
  if (boot.cluster) watchCluster(Math.max(boot.intervalMs, 5_000));
  for (const i of incidents.filter((x) => x.resolvedAt === null)) applyIncident(i);
  // The stream continues from the components just read: its first event is what changed since.
  stream = connectStream(() => `api/v1/events${version ? `?since=${encodeURIComponent(version)}` : ''}`, Math.max(3 * boot.intervalMs, 45_000), {
    onSnapshot,
    onDiff,
    onIncident: (d) => applyIncident((d as { incident: IncidentView }).incident),
    onLive: setLive,
    // Incident events are not replayed: read the recent ones again after a gap.
    onReconnected: () => {
      getJson<{ incidents: IncidentView[] }>('api/v1/incidents?limit=50').then((r) => {
        for (const i of r.incidents) incidents = upsertIncident(incidents, i);
        renderIncidents();
        for (const i of r.incidents.filter((x) => x.resolvedAt === null)) applyIncident(i);
      }, () => undefined);
    },
  });
}

start().catch((err: Error) => {
  replace(byId('summary'), h('p', { class: 'error' }, `Could not load the status: ${err.message}`));
});
