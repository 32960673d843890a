import { FieldType, type DataFrame, type Field } from '@grafana/data';
import { parseState, type State } from '@statusgraph/core';
import { valueAt } from './frames.js';

/** A node as Node Graph style frames describe it, in the panel's terms. */
export interface NodeGraphNode {
  readonly id: string;
  readonly displayName?: string;
  readonly tier?: string;
  readonly state?: State;
  readonly latencySeconds?: number;
  readonly rootCauses?: readonly string[];
  readonly runbook?: string;
  readonly errors: readonly string[];
  readonly linkSource?: { readonly field: Field; readonly rowIndex: number };
}

/**
 * Grafana's Node Graph data format: a `nodes` frame (id, title, subtitle, mainstat, detail__*)
 * and an `edges` frame (id, source, target). The panel reads statusgraph's facts from it:
 * state, tier, root_cause, runbook and error as plain or `detail__` fields, latency from a
 * `latency` field or a mainstat in seconds or milliseconds.
 */
export function isNodeGraphFrame(frame: DataFrame): 'nodes' | 'edges' | undefined {
  const names = new Set(frame.fields.map((f) => f.name));
  if (names.has('source') && names.has('target')) {
    return 'edges';
  }
  const hinted = frame.meta?.preferredVisualisationType === 'nodeGraph' || frame.name === 'nodes';
  if (names.has('id') && (hinted || names.has('title') || names.has('mainstat'))) {
    return 'nodes';
  }
  return undefined;
}

export function readNodes(frame: DataFrame): { nodes: NodeGraphNode[]; skipped: number } {
  const field = (...names: string[]) => {
    for (const n of names) {
      const f = frame.fields.find((x) => x.name === n);
      if (f) {
        return f;
      }
    }
    return undefined;
  };
  const id = field('id');
  const title = field('title');
  const tier = field('tier', 'detail__tier', 'subtitle');
  const state = field('state', 'detail__state');
  const latency = field('latency', 'detail__latency');
  const mainstat = field('mainstat');
  const rootCause = field('root_cause', 'detail__root_cause');
  const runbook = field('runbook', 'detail__runbook');
  const error = field('error', 'detail__error');
  const nodes: NodeGraphNode[] = [];
  let skipped = 0;
  for (let row = 0; row < frame.length; row++) {
    const name = str(id, row);
    if (!name) {
      skipped++;
      continue;
    }
    const roots = str(rootCause, row)?.split(',').map((s) => s.trim()).filter(Boolean);
    const err = str(error, row);
    nodes.push({
      id: name,
      displayName: str(title, row),
      tier: str(tier, row),
      state: state ? parseState(valueAt(state, row)) : undefined,
      latencySeconds: latencySeconds(latency, mainstat, row),
      rootCauses: rootCause ? (roots ?? []) : undefined,
      runbook: str(runbook, row),
      errors: err ? [err] : [],
      linkSource: { field: id as Field, rowIndex: row },
    });
  }
  return { nodes, skipped };
}

export function readEdges(frame: DataFrame): { edges: Array<{ source: string; target: string }>; skipped: number } {
  const source = frame.fields.find((f) => f.name === 'source');
  const target = frame.fields.find((f) => f.name === 'target');
  const edges: Array<{ source: string; target: string }> = [];
  let skipped = 0;
  for (let row = 0; row < frame.length; row++) {
    const s = str(source, row);
    const t = str(target, row);
    if (s && t) {
      edges.push({ source: s, target: t });
    } else {
      skipped++;
    }
  }
  return { edges, skipped };
}

function str(field: Field | undefined, row: number): string | undefined {
  if (!field) {
    return undefined;
  }
  const v = valueAt(field, row);
  return v === null || v === undefined || v === '' ? undefined : String(v);
}

function latencySeconds(latency: Field | undefined, mainstat: Field | undefined, row: number): number | undefined {
  const f = latency ?? (mainstat && mainstat.type === FieldType.number ? mainstat : undefined);
  if (!f) {
    return undefined;
  }
  const v = Number(valueAt(f, row));
  if (!Number.isFinite(v)) {
    return undefined;
  }
  const unit = f.config?.unit;
  if (unit === 'ms') {
    return v / 1000;
  }
  if (unit === 's' || f === latency) {
    return v;
  }
  return undefined; // a mainstat in some other unit is not a latency
}
