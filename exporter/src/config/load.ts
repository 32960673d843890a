import fs from 'node:fs';
import path from 'node:path';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Alias, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { ConfigError, type ConfigIssue } from './errors.js';
import { interpolate, type Env } from './interpolate.js';
import { fileSchema, probeSchema, type FileConfig } from './schema.js';
import { embeddedSecrets, isSecretKey } from './secrets.js';
import { readPlainYaml } from './plain-yaml.js';
import { findCycle } from '../engine/graph.js';
import type { ComponentConfig, Config } from './types.js';
import type { ProbeConfig, ProbeKind } from '../probes/types.js';

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

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function issueMessage(i: z.core.$ZodIssue, input: unknown): string {
  switch (i.code) {
    case 'invalid_type':
      return `expected ${i.expected}, got ${describe(input)}`;
    case 'invalid_value':
      return `must be one of ${i.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describe(input)}`;
    case 'too_small':
      return i.message;
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

function zodIssues(file: string, locate: Where, err: z.ZodError, input: unknown, prefix: readonly PathKey[] = []): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const i of err.issues) {
    const p = [...prefix, ...(i.path as PathKey[])];
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
      out.push({ file, ...locate(p), message: `${where}${issueMessage(i, getAt(input, i.path as PathKey[]))}` });
    }
  }
  return out;
}

/** Substitutes one string value and collects what redaction must hide; throws on a bad reference. */
function interpolateValue(original: string, key: string | undefined, env: Env, secrets: string[]): string {
  const value = original.includes('${') ? interpolate(original, env) : original;
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
function interpolateDocument(loc: Located, env: Env, issues: ConfigIssue[], secrets: string[]): void {
  const walk = (node: unknown, key: string | undefined) => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (isPair(pair)) walk(pair.value, isScalar(pair.key) ? String(pair.key.value) : undefined);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) walk(item, key);
    } else if (isScalar(node) && typeof node.value === 'string') {
      try {
        node.value = interpolateValue(node.value, key, env, secrets);
      } catch (e) {
        const { line, col } = loc.lines.linePos(node.range?.[0] ?? 0);
        issues.push({ file: loc.file, line, col, message: (e as Error).message });
      }
    }
  };
  walk(loc.doc.contents, undefined);
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

function parseListen(s: string): { host: string; port: number } {
  const i = s.lastIndexOf(':');
  let host = s.slice(0, i);
  if (host.startsWith('[')) host = host.slice(1, -1);
  return { host: host === '' ? '0.0.0.0' : host, port: Number(s.slice(i + 1)) };
}

export interface LoadOptions {
  env?: Env;
  probeKinds: ReadonlyMap<string, ProbeKind<any>>;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

/**
 * Parses and validates config text. Throws ConfigError listing every problem, with positions.
 *
 * A config is read twice only when it is wrong: first as plain data (light, see plain-yaml.ts);
 * if that fails at any step, again with `yaml` and positions, whose verdict and messages are the
 * ones reported. A success of the light path is what the full path would have returned.
 */
export function parseConfig(text: string, file: string, opts: LoadOptions): Config {
  const env = opts.env ?? process.env;
  const plain = readPlainYaml(text);
  if (plain !== undefined) {
    const secrets: string[] = [];
    if (interpolatePlain(plain, env, secrets)) {
      try {
        return build(plain, secrets, [], file, nowhere, opts);
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
      }
    }
  }
  return parseWithPositions(text, file, opts);
}

/** The full parse, with positions: every error is reported as FILE:LINE:COL. */
export function parseWithPositions(text: string, file: string, opts: LoadOptions): Config {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const loc: Located = { doc, lines, file };
  const issues: ConfigIssue[] = [];
  for (const e of doc.errors) {
    const { line, col } = lines.linePos(e.pos[0]);
    issues.push({ file, line, col, message: `YAML: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}` });
  }
  if (issues.length) throw new ConfigError(issues);

  const unresolved = unresolvedAlias(doc);
  if (unresolved) {
    const { line, col } = lines.linePos(unresolved.range?.[0] ?? 0);
    throw new ConfigError([{ file, line, col, message: `YAML: alias *${unresolved.source} has no anchor before it` }]);
  }

  const secrets: string[] = [];
  interpolateDocument(loc, opts.env ?? process.env, issues, secrets);
  return build(doc.toJS(), secrets, issues, file, (p, key) => position(loc, p, key), opts);
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

/** Validates parsed, interpolated data into the frozen Config; throws ConfigError with every issue. */
function build(input: unknown, secrets: string[], issues: ConfigIssue[], file: string, where: Where, opts: LoadOptions): Config {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ConfigError([...issues, { file, line: 1, col: 1, message: 'the config must be a mapping' }]);
  }

  const parsed = fileSchema.safeParse(input);
  if (!parsed.success) issues.push(...zodIssues(file, where, parsed.error, input));

  // Probes are checked per kind even when the rest has errors, so that one run lists everything.
  const rawComponents = Array.isArray((input as { components?: unknown }).components)
    ? ((input as { components: unknown[] }).components)
    : [];
  const probesByComponent: ProbeConfig[][] = [];
  rawComponents.forEach((rc, ci) => {
    const list: ProbeConfig[] = [];
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
        issues.push({ file, ...where([...at, 'kind']), message: `${at.join('.')}.kind: unknown probe kind "${kindName}" (one of ${[...opts.probeKinds.keys()].join(', ')})` });
        return;
      }
      const r = probeSchema(kind).safeParse(rp);
      if (!r.success) {
        issues.push(...zodIssues(file, where, r.error, rp, at));
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
      });
      (list[list.length - 1] as { _at?: PathKey[] })._at = at;
    });
    probesByComponent.push(list);
  });

  if (!parsed.success) throw new ConfigError(sortIssues(issues));
  const fc: FileConfig = parsed.data;

  if (fc.timeout >= fc.interval) {
    issues.push({ file, ...where(['timeout']), message: `timeout (${fc.timeout}ms) must be below interval (${fc.interval}ms)` });
  }
  const names = new Map<string, number>();
  fc.components.forEach((c, i) => {
    if (names.has(c.name)) {
      issues.push({ file, ...where(['components', i, 'name']), message: `duplicate component name "${c.name}" (first defined at components.${names.get(c.name)})` });
    } else names.set(c.name, i);
  });
  fc.components.forEach((c, i) => {
    c.depends_on.forEach((d, j) => {
      if (!names.has(d)) issues.push({ file, ...where(['components', i, 'depends_on', j]), message: `components.${i}.depends_on: unknown component "${d}"` });
      else if (d === c.name) issues.push({ file, ...where(['components', i, 'depends_on', j]), message: `components.${i}.depends_on: "${d}" depends on itself` });
    });
    const seen = new Set<string>();
    for (const p of probesByComponent[i] ?? []) {
      const at = (p as { _at?: PathKey[] })._at!;
      if (seen.has(p.name)) issues.push({ file, ...where([...at, 'name']), message: `${at.join('.')}.name: duplicate probe name "${p.name}" in component "${c.name}"` });
      seen.add(p.name);
      if (p.timeoutMs >= fc.interval) issues.push({ file, ...where([...at, 'timeout']), message: `${at.join('.')}.timeout: must be below interval (${fc.interval}ms)` });
    }
  });
  const edges = new Map(fc.components.map((c) => [c.name, c.depends_on.filter((d) => names.has(d) && d !== c.name)]));
  const cycle = findCycle(edges);
  if (cycle) {
    const first = names.get(cycle[0]!)!;
    issues.push({ file, ...where(['components', first, 'depends_on']), message: `depends_on forms a cycle: ${cycle.join(' -> ')}` });
  }
  if (issues.length) throw new ConfigError(sortIssues(issues));

  const components: ComponentConfig[] = fc.components.map((c, i) => ({
    name: c.name,
    tier: c.tier,
    displayName: c.display_name ?? c.name,
    environment: c.environment,
    ...(c.runbook !== undefined ? { runbook: c.runbook } : {}),
    dependsOn: c.depends_on,
    failAfter: c.fail_after ?? fc.fail_after,
    recoverAfter: c.recover_after ?? fc.recover_after,
    degradeAfter: c.degrade_after ?? fc.degrade_after,
    probes: (probesByComponent[i] ?? []).map(({ _at, ...p }: ProbeConfig & { _at?: unknown }) => ({ ...p, timeoutMs: p.timeoutMs || fc.timeout })),
  }));

  const config: Config = {
    file,
    intervalMs: fc.interval,
    timeoutMs: fc.timeout,
    listen: parseListen(fc.listen),
    dataDir: path.resolve(fc.data_dir),
    maxConcurrency: fc.max_concurrency,
    ...(fc.auth ? { auth: {
      tokens: fc.auth.tokens,
      read: fc.auth.read,
      ...(fc.auth.allow ? { allow: fc.auth.allow } : {}),
      ...(fc.auth.trusted_proxy_header ? { trustedProxyHeader: fc.auth.trusted_proxy_header.toLowerCase() } : {}),
    } } : {}),
    ...(fc.slack ? { slack: {
      ...(fc.slack.webhook_url ? { webhookUrl: fc.slack.webhook_url } : {}),
      ...(fc.slack.signing_secret ? { signingSecret: fc.slack.signing_secret } : {}),
    } } : {}),
    ...(fc.grafana ? { grafana: { url: fc.grafana.url, token: fc.grafana.token } } : {}),
    ...(fc.prometheus ? { prometheus: { url: fc.prometheus.url } } : {}),
    reports: { timezone: fc.reports.timezone, daily: fc.reports.daily, weekly: fc.reports.weekly },
    components,
    secrets: [...new Set(secrets.filter((s) => s.length > 0))],
  };
  return deepFreeze(config);
}

function sortIssues(issues: ConfigIssue[]): ConfigIssue[] {
  return [...issues].sort((a, b) => a.line - b.line || a.col - b.col);
}

export function loadConfigFile(file: string, opts: LoadOptions): Config {
  const abs = path.resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (e) {
    throw new ConfigError([{ file, line: 1, col: 1, message: `cannot read config: ${(e as NodeJS.ErrnoException).code ?? String(e)}` }]);
  }
  return parseConfig(text, file, opts);
}
