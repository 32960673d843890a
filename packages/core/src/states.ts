/**
 * The four states of the contract (DESIGN.md, "States"), ordered by severity. The index is the
 * metric value of statusgraph_component_status, so the order is public.
 */
export const STATES = ['operational', 'degraded', 'partial_outage', 'major_outage'] as const;
export type State = (typeof STATES)[number];

export const STATE_LABELS: Readonly<Record<State, string>> = {
  operational: 'Operational',
  degraded: 'Degraded',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
};

/** The metric value (0..3) of a state. */
export function stateValue(state: State): number {
  return STATES.indexOf(state);
}

/** The more severe of two states. */
export function worst(a: State, b: State): State {
  return stateValue(a) >= stateValue(b) ? a : b;
}

/**
 * Impact propagates from partial and major outages only (DESIGN.md, "Impact"). Undefined ("no
 * data", in the panel) is not unhealthy.
 */
export function isUnhealthy(state: State | undefined): boolean {
  return state === 'partial_outage' || state === 'major_outage';
}

/**
 * A state from a metric value or a name; undefined for anything else, so a caller can tell
 * "no data" from "operational".
 */
export function parseState(raw: unknown): State | undefined {
  if (typeof raw === 'number') {
    return Number.isInteger(raw) && raw >= 0 && raw < STATES.length ? STATES[raw] : undefined;
  }
  if (typeof raw === 'string') {
    const s = raw.trim().toLowerCase().replace(/[\s-]+/g, '_');
    if ((STATES as readonly string[]).includes(s)) return s as State;
    if (/^[0-3]$/.test(s)) return STATES[Number(s)];
  }
  return undefined;
}
