/*
 * The layering rule of the codebase (DESIGN.md, "Standards"): imports point down only,
 *   core -> config -> probes -> engine -> incidents/history/reports/metrics -> sinks -> http ->
 *   status page -> app -> demo/index -> cli commands -> cli entry.
 * Every module of exporter/src belongs to one unit of LAYERS, and may import, by relative path,
 * its own unit and units of a lower rank only. @statusgraph/core (packages/core) imports nothing:
 * no npm package and nothing outside itself. No workspace imports another workspace's source by
 * relative path: shared code lives in @statusgraph/core and is imported by name.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** Unit (a folder or a file, relative to the repository root) -> rank. Lower is further down. */
export const LAYERS: Readonly<Record<string, number>> = {
  'packages/core/src': 0,
  // The one error base class every domain error extends (config errors included).
  'exporter/src/errors.ts': 0,
  // Opening data files with private modes, for every store.
  'exporter/src/data-files.ts': 1,
  // A checked-out PostgreSQL connection that cannot take the process down, for every PostgreSQL user.
  'exporter/src/pg-connection.ts': 1,
  // Config is parsed once at the edge; the probe kinds' schemas are handed to it (LoadOptions).
  'exporter/src/config': 1,
  'exporter/src/log.ts': 1,
  'exporter/src/v8-tuning.ts': 1,
  // Probe kinds read config's duration schema and secret handling; config never reads probes.
  'exporter/src/probes': 2,
  // Reload's config load in a worker thread: the loader with the probe kinds' registry.
  'exporter/src/reload': 2.5,
  'exporter/src/engine': 3,
  'exporter/src/history': 4,
  'exporter/src/incidents': 4,
  'exporter/src/reports': 4,
  'exporter/src/metrics': 4,
  // Replicas on PostgreSQL: assignment, agreement, checker health, lease; reads engine types, app.ts wires it.
  'exporter/src/cluster': 4,
  // SLO rule generation (`statusgraph rules`): reads the config only.
  'exporter/src/slo': 4,
  // Maintenance windows at run time (issue 19): the engine's cover, its own store (in the incident
  // database's file, so its SQLite backend reuses the incident migrations).
  'exporter/src/maintenance': 4.2,
  // Slack's Web API client and message formats: used by the Slack sink and the Slack routes alike,
  // so below both (the sinks may not import slack/, the command side: incidents/layers.test.ts).
  'exporter/src/slack-api': 4.5,
  // Mirrors of incidents (Grafana annotations, Slack): they read incidents, never the reverse.
  'exporter/src/grafana': 5,
  'exporter/src/slack': 5,
  // Audience pages: derived from snapshots, with the public incidents of the incident store.
  'exporter/src/pages': 5,
  // Incident sinks (one file per destination, one registry line): they use the mirrors' clients.
  'exporter/src/sinks': 6,
  'exporter/src/http': 7,
  'exporter/src/statuspage': 8,
  // Audience pages over HTTP: their own listeners, or mounted on the internal one.
  'exporter/src/publicpage': 8,
  'exporter/src/app.ts': 9,
  'exporter/src/demo': 10,
  'exporter/src/index.ts': 10,
  'exporter/src/startup-errors.ts': 11,
  // The subcommands, loaded by the entry (cli.ts) once V8's memory settings are in place.
  'exporter/src/cli-commands.ts': 11.5,
  'exporter/src/cli.ts': 12,
};

/** The folders the rule covers (files under them must each belong to a unit of LAYERS). */
export const LAYERED_ROOTS = ['exporter/src', 'packages/core/src'];

/** Workspaces whose sources must not import each other's sources by relative path. */
export const WORKSPACE_SOURCES = ['packages/core/src', 'exporter/src', 'exporter/static/src', 'grafana-panel/src'];

export interface SourceFile {
  /** Relative to the repository root, with forward slashes. */
  readonly file: string;
  /** Every module specifier it imports or re-exports, `import type` and `import()` included. */
  readonly imports: readonly string[];
}

/** An import that breaks the rule, as `from -> to` (both relative to the root). */
export type Edge = `${string} -> ${string}`;

export function unitOf(file: string): string | undefined {
  let best: string | undefined;
  for (const unit of Object.keys(LAYERS)) {
    if ((file === unit || file.startsWith(`${unit}/`)) && (best === undefined || unit.length > best.length)) best = unit;
  }
  return best;
}

const workspaceOf = (file: string) => WORKSPACE_SOURCES.find((w) => file.startsWith(`${w}/`));

/** Every import of `files` that breaks the rule, with why. */
export function violations(files: readonly SourceFile[]): { edge: Edge; why: string }[] {
  const out: { edge: Edge; why: string }[] = [];
  for (const { file, imports } of files) {
    const from = unitOf(file);
    const layered = LAYERED_ROOTS.some((r) => file.startsWith(`${r}/`));
    if (layered && from === undefined) out.push({ edge: `${file} -> ?`, why: 'module outside every unit of LAYERS: add its folder to the table' });
    for (const spec of imports) {
      if (!spec.startsWith('.')) {
        if (workspaceOf(file) === 'packages/core/src') out.push({ edge: `${file} -> ${spec}`, why: 'the core package imports no package' });
        continue;
      }
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
      const ws = workspaceOf(file);
      if (ws !== undefined && !target.startsWith(`${ws}/`)) {
        out.push({ edge: `${file} -> ${target}`, why: 'imports another workspace by path: import @statusgraph/core by name' });
        continue;
      }
      if (!layered || from === undefined) continue;
      const to = unitOf(target);
      if (to === undefined || to === from) continue;
      if (LAYERS[to]! >= LAYERS[from]!) out.push({ edge: `${file} -> ${target}`, why: `${from} (rank ${LAYERS[from]}) imports ${to} (rank ${LAYERS[to]})` });
    }
  }
  return out;
}

/** Every .ts/.tsx file under `dirs` of the repository at `root`, with its imports. */
export function readSources(root: string, dirs: readonly string[]): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (rel: string): void => {
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(child);
      else if (/\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts')) {
        const info = ts.preProcessFile(fs.readFileSync(path.join(root, child), 'utf8'), true, true);
        out.push({ file: child, imports: info.importedFiles.map((f) => f.fileName) });
      }
    }
  };
  for (const d of dirs) walk(d);
  return out;
}
