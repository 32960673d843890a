/**
 * The state vocabulary of DESIGN.md ("States", contract), with no dependencies so the exporter's
 * own status page can bundle it next to the layout.
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

/** Impact propagates from partial and major outages only (DESIGN.md, "Impact"). */
export function isUnhealthy(state: State | undefined): boolean {
  return state === 'partial_outage' || state === 'major_outage';
}

/** Seconds as a short label: "850 µs", "42 ms", "1.25 s". */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  if (seconds < 0.001) return `${Math.round(seconds * 1_000_000)} µs`;
  if (seconds < 1) return `${round(seconds * 1000)} ms`;
  return `${round(seconds)} s`;
}

function round(v: number): string {
  const digits = v >= 100 ? 0 : v >= 10 ? 1 : 2;
  return String(Number(v.toFixed(digits)));
}
