/** The four states of the contract, ordered by severity; the numeric value is the metric value. */
export const STATES = ['operational', 'degraded', 'partial_outage', 'major_outage'] as const;
export type State = (typeof STATES)[number];

export function stateValue(state: State): number {
  return STATES.indexOf(state);
}

export function worst(a: State, b: State): State {
  return stateValue(a) >= stateValue(b) ? a : b;
}

/** Impact propagates from partial and major outages only (DESIGN.md, "Impact"). */
export function isUnhealthy(state: State): boolean {
  return state === 'partial_outage' || state === 'major_outage';
}

export const STATE_LABELS: Readonly<Record<State, string>> = {
  operational: 'Operational',
  degraded: 'Degraded',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
};
