import path from 'node:path';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Alias, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { ConfigError, type ConfigIssue } from './errors.js';
import { interpolate, type Env } from './interpolate.js';
import { fileSchema, parseListen, probeSchema, type FileConfig } from './schema.js';
import { buildPages, checkPages, soundPages } from './pages.js';
import { buildMaintenance, checkWindows, soundWindows } from './maintenance.js';
import { MAINTENANCE_DEFAULTS, type WindowConfig } from './windows.js';
import { buildCluster, checkCluster } from './cluster.js';
import { embeddedSecrets, findCycle, isSecretKey, type Dependency } from '@statusgraph/core';
import { loadPlain } from './plain-yaml.js';
import { scanYaml, tooLong } from './scan.js';
import { formatBytes, MAX_ALIAS_COUNT, MAX_CONFIG_BYTES, MAX_STRING_LENGTH, readBounded, ReadError } from './limits.js';
import type { ComponentConfig, Config, ProbeConfig, ProbeKindSchema } from './types.js';

type PathKey = string | number;

interface Located {
  doc: Document;
  lines: LineCounter;
  file: string;
}

/** Where the node at a path is, 1-based; the light parse has no positions and answers 1:1. */
type Where = (p: readonly PathKey[], key?: string) => { line: number; col: number };

const nowhere: Where = () => ({ line: 1, col: 1 });

/** The position of the node at `p` (or, for an unknown key, of that key), 1-based. */
function position(loc: Located, p: readonly PathKey[], key?: string): { line: number; col: number } {
  let node: unknown = loc.doc.contents;
  let last: unknown = node;
  for (const k of p) {
    if (isMap(node)) {
      const pair = node.items.find((it) => isScalar(it.key) && it.key.value === k);
      if (!pair) break;
      last = pair.key;
      node = pair.value;
    } else if (isSeq(node) && typeof k === 'number') {
      node = node.items[k];
    } else break;
    if (node) last = node;
  }
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find((it) => isScalar(it.key) && it.key.value === key);
    if (pair) last = pair.key;
  }
  const range = (last as Node | undefined)?.range;
  const offset = range ? range[0] : 0;
  return loc.lines.linePos(offset);
}

/** What a wrong value is; for a secret key only its type ("a number"), never the value (issue 14). */
function describe(value: unknown, secret: boolean): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (secret) return `a ${typeof value} (not shown: the key holds a secret)`;
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** Whether a path is, or is inside, the value of a secret key. */
const underSecret = (p: readonly PathKey[]) => p.some((k) => typeof k === 'string' && isSecretKey(k));

function issueMessage(i: z.core.$ZodIssue, input: unknown, secret: boolean): string {
  const message = zodMessage(i, input, secret);
  // The last guard: whatever a message says, it does not quote the value of a secret key.
  const shown = input !== null && typeof input !== 'object' ? String(input) : '';
  return secret && shown.length >= 4 && message.includes(shown) ? 'invalid value (not shown: the key holds a secret)' : message;
}

function zodMessage(i: z.core.$ZodIssue, input: unknown, secret: boolean): string {
  switch (i.code) {
    case 'invalid_type':
      return `expected ${i.expected}, got ${describe(input, secret)}`;
    case 'invalid_value':
      return `must be one of ${i.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describe(input, secret)}`;
    default:
      return i.message;
  }
}

function getAt(root: unknown, p: readonly PathKey[]): unknown {
  let v: unknown = root;
  for (const k of p) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PathKey, unknown>)[k];
  }
  return v;
}

/** Paths whose `${...}` could not be substituted: the schema's verdict on the raw text is noise. */
type Failed = ReadonlySet<string>;
const pathKey = (p: readonly PathKey[]) => p.join('\u0000');

function zodIssues(file: string, locate: Where, err: { readonly issues: readonly z.core.$ZodIssue[] }, input: unknown, failed: Failed, prefix: readonly PathKey[] = []): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const i of err.issues) {
    const p = [...prefix, ...(i.path as PathKey[])];
    if (failed.size && p.some((_k, n) => failed.has(pathKey(p.slice(0, n + 1))))) continue;
    // A union with a mapping alternative (`depends_on: [name | {name, carries, strength}]`) given a
    // mapping: report that alternative's errors at their own keys, not the union's one message.
    const value = i.code === 'invalid_union' ? getAt(input, i.path as PathKey[]) : undefined;
    const mapping = value !== null && typeof value === 'object' && !Array.isArray(value);
    const matched = mapping && i.code === 'invalid_union' ? i.errors.filter((e) => !e.some((x) => x.code === 'invalid_type' && x.path.length === 0)) : [];
    if (matched.length === 1) {
      out.push(...zodIssues(file, locate, { issues: matched[0]! }, getAt(input, i.path as PathKey[]), failed, p));
      continue;
    }
    if (i.code === 'unrecognized_keys') {
      for (const key of i.keys) {
        out.push({ file, ...locate(p, key), message: `unknown key "${key}"${p.length ? ` in ${p.join('.')}` : ''}` });
      }
      continue;
    }
    const where = p.length ? `${p.join('.')}: ` : '';
    const missing = i.code === 'invalid_type' && getAt(input, i.path as PathKey[]) === undefined;
    if (missing) {
      const parent = p.slice(0, -1);
      out.push({ file, ...locate(parent), message: `${where}required key is missing` });
    } else {
      out.push({ file, ...locate(p), message: `${where}${issueMessage(i, getAt(input, i.path as PathKey[]), underSecret(p))}` });
    }
  }
  return out;
}

/** Substitutes one string value and collects what redaction must hide; throws on a bad reference. */
function interpolateValue(original: string, key: string | undefined, env: Env, secrets: string[]): string {
  let value = original;
  if (original.includes('${')) {
    try {
      value = interpolate(original, env);
    } catch (e) {
      // "invalid reference ${...}" quotes what was written, which under a secret key may be the secret.
      const msg = (e as Error).message;
      throw new Error(key !== undefined && isSecretKey(key) && msg.startsWith('invalid reference')
        ? 'invalid reference (not shown: the key holds a secret); write ${NAME} or ${file:/path}'
        : msg);
    }
    if (value.length > MAX_STRING_LENGTH) throw new Error(`after substitution, ${tooLong(value.length)}`);
  }
  if (key !== undefined && isSecretKey(key)) {
    secrets.push(value, ...value.split(/\r?\n/).map((s) => s.trim()).filter(Boolean));
  }
  secrets.push(...embeddedSecrets(value));
  return value;
}

/**
 * Replaces `${...}` references in every scalar of the document, in place, collecting errors at
 * the scalar's position and the substituted values of secret keys.
 */
function interpolateDocument(loc: Located, env: Env, issues: ConfigIssue[], secrets: string[], failed: Set<string>): void {
  const walk = (node: unknown, key: string | undefined, at: PathKey[]) => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const k = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (isPair(pair)) walk(pair.value, k, [...at, k ?? '']);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item, key, [...at, i]));
    } else if (isScalar(node) && typeof node.value === 'string') {
      try {
        node.value = interpolateValue(node.value, key, env, secrets);
      } catch (e) {
        const { line, col } = loc.lines.linePos(node.range?.[0] ?? 0);
        issues.push({ file: loc.file, line, col, message: (e as Error).message });
        failed.add(pathKey(at));
      }
    }
  };
  walk(loc.doc.contents, undefined, []);
}

/** The same substitution over plain data (the light parse); false when a reference is bad. */
function interpolatePlain(root: unknown, env: Env, secrets: string[]): boolean {
  let ok = true;
  const walk = (holder: Record<string, unknown> | unknown[], k: string | number, key: string | undefined) => {
    const v = (holder as Record<string | number, unknown>)[k];
    if (typeof v === 'string') {
      try {
        (holder as Record<string | number, unknown>)[k] = interpolateValue(v, key, env, secrets);
      } catch {
        ok = false;
      }
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) walk(v, i, key);
    } else if (v !== null && typeof v === 'object') {
      for (const child of Object.keys(v)) walk(v as Record<string, unknown>, child, child);
    }
  };
  walk({ root }, 'root', undefined);
  return ok;
}

export interface LoadOptions {
  env?: Env;
  /** The probe kinds' schemas, from probes/registry.ts (passed in: config imports no probe code). */
  probeKinds: ReadonlyMap<string, ProbeKindSchema>;
  /** Epoch ms: from when maintenance windows are checked for overlaps and crons that fire (a year). */
  now?: () => number;
  /**
   * Maintenance windows created at run time, in force or to come: a reload refuses a config
   * window that overlaps one. Not at start: the config is read before the store, and a start
   * refused for a window only the running process could cancel would lock the operator out.
   */
  runTimeWindows?: readonly WindowConfig[];
}

/**
 * A copy built key by key, so that objects with the same keys in the same order share one V8
 * hidden class. The rest and spread copies that make a probe's config gave each of them a map
 * and descriptor array of its own once the code was warm: ~0.3 KB per probe, ~3 MiB at 10,000
 * probes, for the life of the process (heap snapshot, bench/README.md "Peak RSS over budget").
 */
function sharedShape<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) out[k] = (o as Record<string, unknown>)[k];
  return out as T;
}

export function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

/** Line and column (1-based) of a character offset, for problems found before any parse. */
function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, col: offset - start + 1 };
}

/** Refuses a text over the bounds of limits.ts, before either parser sees it. */
function checkBounds(text: string, file: string): ReturnType<typeof scanYaml> {
  if (text.length > MAX_CONFIG_BYTES) {
    throw new ConfigError([{ file, line: 1, col: 1, message: `the config is ${formatBytes(text.length)}; the limit is ${formatBytes(MAX_CONFIG_BYTES)}` }]);
  }
  const scan = scanYaml(text);
  if (scan.problem) throw new ConfigError([{ file, ...lineCol(text, scan.problem.offset), message: scan.problem.message }]);
  return scan;
}

/**
 * Parses and validates config text. Throws ConfigError listing every problem, with positions.
 *
 * A config is read twice only when it is wrong: first as plain data (light, see plain-yaml.ts);
 * if that fails at any step, again with `yaml` and positions, whose verdict and messages are the
 * ones reported. A success of the light path is what the full path would have returned. Before
 * either, one pass over the tokens checks the bounds (scan.ts), so both run in linear time.
 */
export function parseConfig(text: string, file: string, opts: LoadOptions): Config {
  const env = opts.env ?? process.env;
  const scan = checkBounds(text, file);
  const plain = scan.full ? undefined : loadPlain(text);
  if (plain !== undefined) {
    const secrets: string[] = [];
    if (interpolatePlain(plain, env, secrets)) {
      try {
        return build({ input: plain, secrets, issues: [], file, where: nowhere, opts, failed: new Set() });
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
      }
    }
  }
  return fullParse(text, file, opts);
}

/** The full parse, with positions: every error is reported as FILE:LINE:COL. */
export function parseWithPositions(text: string, file: string, opts: LoadOptions): Config {
  checkBounds(text, file);
  return fullParse(text, file, opts);
}

/** `yaml`'s messages, in words for this file (its own name a method the user never calls). */
function yamlMessage(message: string): string {
  const first = message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  if (first.startsWith('Source contains multiple documents')) return 'more than one YAML document (a "---" line starts a second one; a config is one document)';
  return `YAML: ${first}`;
}

function fullParse(text: string, file: string, opts: LoadOptions): Config {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const loc: Located = { doc, lines, file };
  const issues: ConfigIssue[] = [];
  for (const e of doc.errors) {
    const { line, col } = lines.linePos(e.pos[0]);
    issues.push({ file, line, col, message: yamlMessage(e.message) });
  }
  if (issues.length) throw new ConfigError(issues);

  const unresolved = unresolvedAlias(doc);
  if (unresolved) {
    const { line, col } = lines.linePos(unresolved.range?.[0] ?? 0);
    throw new ConfigError([{ file, line, col, message: `YAML: alias *${unresolved.source} has no anchor before it` }]);
  }

  const secrets: string[] = [];
  const failed = new Set<string>();
  interpolateDocument(loc, opts.env ?? process.env, issues, secrets, failed);
  const input = toPlain(doc, loc);
  return build({ input, secrets, issues, file, where: (p, key) => position(loc, p, key), opts, failed });
}

/**
 * The document as plain data. `yaml` refuses to expand aliases beyond MAX_ALIAS_COUNT (an alias
 * bomb: 9 aliases of 9 aliases... is 9^n values to walk) by throwing a ReferenceError, which
 * escaped as a stack trace (issue 14); it is reported at the first alias.
 */
function toPlain(doc: Document, loc: Located): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    if (!(e instanceof ReferenceError)) throw e;
    let first: Alias | undefined;
    visit(doc, { Alias(_k, node) { first = node; return visit.BREAK; } });
    const { line, col } = loc.lines.linePos(first?.range?.[0] ?? 0);
    throw new ConfigError([{ file: loc.file, line, col, message: `YAML: the aliases expand to too many values (more than ${MAX_ALIAS_COUNT} copies); write the repeated parts out` }]);
  }
}

/** An alias with no anchor before it, which `yaml` reports only by throwing from toJS(). */
function unresolvedAlias(doc: Document): Alias | undefined {
  let found: Alias | undefined;
  visit(doc, {
    Alias(_key, node) {
      if (!node.resolve(doc)) {
        found = node;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

interface BuildInput {
  readonly input: unknown;
  readonly secrets: string[];
  readonly issues: ConfigIssue[];
  readonly file: string;
  readonly where: Where;
  readonly opts: LoadOptions;
  readonly failed: Failed;
}

type LocatedProbe = ProbeConfig & { _at?: PathKey[] };

/** Validates each probe by its kind's schema; returns the probes that are valid, per component. */
function checkProbes(b: BuildInput): LocatedProbe[][] {
  const { input, issues, file, where, opts, failed } = b;
  const rawComponents = Array.isArray((input as { components?: unknown }).components)
    ? ((input as { components: unknown[] }).components)
    : [];
  return rawComponents.map((rc, ci) => {
    const list: LocatedProbe[] = [];
    const rawProbes = rc && typeof rc === 'object' && Array.isArray((rc as { probes?: unknown }).probes) ? (rc as { probes: unknown[] }).probes : [];
    const counts = new Map<string, number>();
    rawProbes.forEach((rp, pi) => {
      const at: PathKey[] = ['components', ci, 'probes', pi];
      if (!rp || typeof rp !== 'object') return;
      const kindName = (rp as { kind?: unknown }).kind;
      if (typeof kindName !== 'string') {
        issues.push({ file, ...where(at), message: `${at.join('.')}: required key "kind" is missing (one of ${[...opts.probeKinds.keys()].join(', ')})` });
        return;
      }
      const kind = opts.probeKinds.get(kindName);
      if (!kind) {
        if (!failed.has(pathKey([...at, 'kind']))) issues.push({ file, ...where([...at, 'kind']), message: `${at.join('.')}.kind: unknown probe kind ${JSON.stringify(kindName)} (one of ${[...opts.probeKinds.keys()].join(', ')})` });
        return;
      }
      const r = probeSchema(kind).safeParse(rp);
      if (!r.success) {
        issues.push(...zodIssues(file, where, r.error, rp, failed, at));
        return;
      }
      const { kind: _k, name: probeName, timeout, baseline, ...own } = r.data as Record<string, unknown> & { name?: string; timeout?: number; baseline?: number };
      const n = (counts.get(kindName) ?? 0) + 1;
      counts.set(kindName, n);
      list.push({
        ...own,
        kind: kindName,
        name: probeName ?? (n === 1 ? kindName : `${kindName}-${n}`),
        timeoutMs: timeout ?? 0,
        ...(baseline !== undefined ? { baselineSeconds: baseline / 1_000 } : {}),
        _at: at,
      });
    });
    return list;
  });
}

/** What the checks across keys need, taken from the parsed config or, when it has errors, from whatever parsed. */
interface CrossView {
  readonly intervalMs?: number;
  readonly timeoutMs?: number;
  /** Whether `timeout` was written (else the default is compared, at `interval`'s position). */
  readonly timeoutWritten: boolean;
  /** Components with a string name, at their index; depends_on entries that are strings, at theirs. */
  readonly components: readonly { readonly index: number; readonly name: string; readonly dependsOn: readonly (readonly [number, string])[] }[];
}

function crossViewOf(input: Record<string, unknown>, fc: FileConfig | undefined): CrossView {
  const timeoutWritten = input.timeout !== undefined;
  if (fc) {
    return { intervalMs: fc.interval, timeoutMs: fc.timeout, timeoutWritten, components: fc.components.map((c, index) => ({ index, name: c.name, dependsOn: c.depends_on.map((d, j) => [j, typeof d === 'string' ? d : d.name] as const) })) };
  }
  // The schema failed somewhere: check what can be checked of the parts that are sound.
  const interval = fileSchema.shape.interval.safeParse(input.interval);
  const timeout = fileSchema.shape.timeout.safeParse(input.timeout);
  const raw = Array.isArray(input.components) ? input.components as unknown[] : [];
  const components: CrossView['components'][number][] = [];
  raw.forEach((rc, index) => {
    const c = rc as { name?: unknown; depends_on?: unknown } | null;
    if (!c || typeof c !== 'object' || typeof c.name !== 'string') return;
    const deps = Array.isArray(c.depends_on) ? c.depends_on : [];
    components.push({ index, name: c.name, dependsOn: deps.flatMap((d, j) => { const n = depName(d); return n === undefined ? [] : [[j, n] as const]; }) });
  });
  return { ...(interval.success ? { intervalMs: interval.data } : {}), ...(timeout.success ? { timeoutMs: timeout.data } : {}), timeoutWritten, components };
}

/** The name of a raw depends_on entry, in either form, when it has one. */
function depName(d: unknown): string | undefined {
  if (typeof d === 'string') return d;
  const n = d !== null && typeof d === 'object' ? (d as { name?: unknown }).name : undefined;
  return typeof n === 'string' ? n : undefined;
}

/** Timeouts against the interval, names, dependencies and cycles: the checks across keys. */
function crossChecks(b: BuildInput, view: CrossView, probes: readonly LocatedProbe[][]): void {
  const { issues, file, where } = b;
  const interval = view.intervalMs;
  if (interval !== undefined && view.timeoutMs !== undefined && view.timeoutMs >= interval) {
    issues.push(view.timeoutWritten
      ? { file, ...where(['timeout']), message: `timeout (${view.timeoutMs}ms) must be below interval (${interval}ms)` }
      : { file, ...where(['interval']), message: `interval (${interval}ms) must be above the default timeout (${view.timeoutMs}ms); set a shorter timeout` });
  }
  const names = new Map<string, number>();
  for (const c of view.components) {
    if (names.has(c.name)) {
      issues.push({ file, ...where(['components', c.index, 'name']), message: `duplicate component name "${c.name}" (first defined at components.${names.get(c.name)})` });
    } else names.set(c.name, c.index);
  }
  for (const c of view.components) {
    const listed = new Set<string>();
    for (const [j, d] of c.dependsOn) {
      // Two edges to one dependency could say two different things about it.
      if (listed.has(d)) issues.push({ file, ...where(['components', c.index, 'depends_on', j]), message: `components.${c.index}.depends_on: "${d}" is listed twice` });
      listed.add(d);
      if (!names.has(d)) issues.push({ file, ...where(['components', c.index, 'depends_on', j]), message: `components.${c.index}.depends_on: unknown component "${d}"` });
      else if (d === c.name) issues.push({ file, ...where(['components', c.index, 'depends_on', j]), message: `components.${c.index}.depends_on: "${d}" depends on itself` });
    }
    const seen = new Set<string>();
    for (const p of probes[c.index] ?? []) {
      const at = p._at!;
      if (seen.has(p.name)) issues.push({ file, ...where([...at, 'name']), message: `${at.join('.')}.name: duplicate probe name "${p.name}" in component "${c.name}"` });
      seen.add(p.name);
      if (interval !== undefined && p.timeoutMs >= interval) issues.push({ file, ...where([...at, 'timeout']), message: `${at.join('.')}.timeout: must be below interval (${interval}ms)` });
    }
  }
  const edges = new Map<string, string[]>();
  for (const c of view.components) {
    if (!edges.has(c.name)) edges.set(c.name, c.dependsOn.map(([, d]) => d).filter((d) => names.has(d) && d !== c.name));
  }
  const cycle = findCycle(edges);
  if (cycle) {
    const first = names.get(cycle[0]!)!;
    issues.push({ file, ...where(['components', first, 'depends_on']), message: `depends_on forms a cycle: ${cycle.join(' -> ')}` });
  }
}

/** The checks of `pages:` across keys, on whatever parsed of it when the rest has errors. */
function pageChecks(b: BuildInput, input: Record<string, unknown>, view: CrossView, fc: FileConfig | undefined): void {
  const list = fc ? fc.pages.map((p, i) => [i, p] as const) : soundPages(input.pages);
  checkPages(list, {
    file: b.file, where: b.where, issues: b.issues,
    components: new Set(view.components.map((c) => c.name)),
    internalListen: typeof input.listen === 'string' ? input.listen : '127.0.0.1:9470',
  });
}

/** The checks of `maintenance:` across keys, on whatever parsed of it when the rest has errors. */
function windowChecks(b: BuildInput, input: Record<string, unknown>, view: CrossView, fc: FileConfig | undefined): WindowConfig[] {
  const list = fc ? fc.maintenance.windows.map((w, i) => [i, w] as const) : soundWindows(input.maintenance);
  return checkWindows(list, {
    file: b.file, where: b.where, issues: b.issues,
    components: new Set(view.components.map((c) => c.name)),
    maxDurationMs: fc?.maintenance.max_duration ?? MAINTENANCE_DEFAULTS.maxDurationMs,
    now: (b.opts.now ?? Date.now)(),
    ...(b.opts.runTimeWindows ? { runTime: b.opts.runTimeWindows } : {}),
  });
}

/**
 * Validates parsed, interpolated data into the frozen Config; throws ConfigError with every issue.
 * Every check runs even when others failed, so that one run of check-config lists everything.
 */
function build(b: BuildInput): Config {
  const { input, secrets, issues, file, where, failed } = b;
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ConfigError([...issues, { file, line: 1, col: 1, message: 'the config must be a mapping' }]);
  }
  const parsed = fileSchema.safeParse(input);
  if (!parsed.success) issues.push(...zodIssues(file, where, parsed.error, input, failed));
  const probesByComponent = checkProbes(b);
  const view = crossViewOf(input as Record<string, unknown>, parsed.success ? parsed.data : undefined);
  crossChecks(b, view, probesByComponent);
  pageChecks(b, input as Record<string, unknown>, view, parsed.success ? parsed.data : undefined);
  const windows = windowChecks(b, input as Record<string, unknown>, view, parsed.success ? parsed.data : undefined);
  checkCluster(input, parsed.success ? parsed.data.interval : 30_000, { file, where, issues });
  if (!parsed.success || issues.length) throw new ConfigError(sortIssues(issues));
  const fc: FileConfig = parsed.data;

  const components: ComponentConfig[] = fc.components.map((c, i) => {
    const slo = c.slo ?? fc.slo_defaults?.[c.tier];
    return {
      name: c.name,
      tier: c.tier,
      displayName: c.display_name ?? c.name,
      environment: c.environment,
      ...(c.runbook !== undefined ? { runbook: c.runbook } : {}),
      dependsOn: c.depends_on.map((d) => (typeof d === 'string' ? d : d.name)),
      dependencies: c.depends_on.map((d): Dependency => (typeof d === 'string'
        ? { name: d, strength: 'hard' }
        : { name: d.name, strength: d.strength, ...(d.carries !== undefined ? { carries: d.carries } : {}) })),
      incidentsOpenAt: c.incidents?.open_at ?? fc.incidents.open_at,
      failAfter: c.fail_after ?? fc.fail_after,
      recoverAfter: c.recover_after ?? fc.recover_after,
      degradeAfter: c.degrade_after ?? fc.degrade_after,
      probes: (probesByComponent[i] ?? []).map(({ _at, ...p }) => sharedShape({ ...p, timeoutMs: p.timeoutMs || fc.timeout })),
      ...(slo ? { slo: { objective: slo.objective, windowMs: slo.window } } : {}),
    };
  });

  const config: Config = {
    file,
    intervalMs: fc.interval,
    timeoutMs: fc.timeout,
    listen: parseListen(fc.listen),
    dataDir: path.resolve(fc.data_dir),
    store: fc.store.kind === 'postgres' ? { kind: 'postgres', dsn: fc.store.dsn, poolSize: fc.store.pool_size } : { kind: 'sqlite' },
    maxConcurrency: fc.max_concurrency,
    ...(fc.auth ? { auth: {
      tokens: fc.auth.tokens,
      read: fc.auth.read,
      ...(fc.auth.allow ? { allow: fc.auth.allow } : {}),
      ...(fc.auth.trusted_proxy_header ? { trustedProxyHeader: fc.auth.trusted_proxy_header.toLowerCase() } : {}),
      ...(fc.auth.trusted_proxies ? { trustedProxies: fc.auth.trusted_proxies } : {}),
    } } : {}),
    ...(fc.slack ? { slack: {
      ...(fc.slack.webhook_url ? { webhookUrl: fc.slack.webhook_url } : {}),
      ...(fc.slack.signing_secret ? { signingSecret: fc.slack.signing_secret } : {}),
      ...(fc.slack.bot_token && fc.slack.incident_channel ? { botToken: fc.slack.bot_token, incidentChannel: fc.slack.incident_channel } : {}),
      ...(fc.slack.api_url ? { apiUrl: fc.slack.api_url.replace(/\/+$/, '') } : {}),
      ...(fc.slack.page_url ? { pageUrl: fc.slack.page_url.replace(/\/+$/, '') } : {}),
    } } : {}),
    ...(fc.grafana ? { grafana: { url: fc.grafana.url, token: fc.grafana.token } } : {}),
    ...(fc.webhooks?.length ? { webhooks: fc.webhooks.map((w) => ({ name: w.name, url: w.url, ...(w.token ? { token: w.token } : {}) })) } : {}),
    ...(fc.prometheus ? { prometheus: { url: fc.prometheus.url } } : {}),
    reports: { timezone: fc.reports.timezone, daily: fc.reports.daily, weekly: fc.reports.weekly },
    history: { retentionMs: fc.history.retention, fullResolutionMs: fc.history.full_resolution, fiveMinuteMs: fc.history.five_minute, flushIntervalMs: fc.history.flush_interval },
    components,
    pages: buildPages(fc.pages),
    maintenance: buildMaintenance(fc.maintenance, windows),
    ...(fc.cluster ? { cluster: buildCluster(fc.cluster, fc.interval)! } : {}),
    secrets: [...new Set(secrets.filter((s) => s.length > 0))],
  };
  return deepFreeze(unpinText(config));
}

/**
 * Copies the longer strings of a parsed config, which V8 keeps as slices of the whole YAML text:
 * one URL kept for the process's life kept all of it (1.1 MB at 10,000 components, found by a
 * heap snapshot; bench/README.md "Peak RSS over budget"). Plain objects and arrays only, before
 * they are frozen. 13 characters: V8 copies shorter substrings anyway.
 */
function unpinText<T>(o: T): T {
  if (Array.isArray(o) || (o !== null && typeof o === 'object' && Object.getPrototypeOf(o) === Object.prototype)) {
    const rec = o as Record<string, unknown>;
    for (const k of Object.keys(rec)) {
      const v = rec[k];
      if (typeof v === 'string') {
        if (v.length >= 13) rec[k] = JSON.parse(JSON.stringify(v)) as string;
      } else unpinText(v);
    }
  }
  return o;
}

function sortIssues(issues: ConfigIssue[]): ConfigIssue[] {
  return [...issues].sort((a, b) => a.line - b.line || a.col - b.col);
}

/**
 * Reads and parses a config file: a regular file of at most MAX_CONFIG_BYTES, refused before it is
 * read otherwise (a 50 MB file is refused in well under a millisecond instead of parsed).
 */
export function loadConfigFile(file: string, opts: LoadOptions): Config {
  let text: string;
  try {
    text = readBounded(path.resolve(file), MAX_CONFIG_BYTES);
  } catch (e) {
    const why = e instanceof ReadError ? e.message : String(e);
    throw new ConfigError([{ file, line: 1, col: 1, message: `cannot read the config: ${why}` }]);
  }
  return parseConfig(text, file, opts);
}
