/** Human durations for timelines and summaries (core's default style): `1h 2m 3s`, `45s`, `0s`. */
export { formatDuration } from '@statusgraph/core';
import { affectsText } from '@statusgraph/core';

/** "affects: read-heavy queries in orders, payment capture in checkout"; empty when no edge says what it carries. */
export function affectsLine(reached: readonly { readonly component: string; readonly carries: readonly string[] }[]): string {
  const parts = reached.filter((r) => r.carries.length).map((r) => affectsText(r.component, r.carries));
  return parts.length ? `affects: ${parts.join(', ')}` : '';
}

export function listOrNone(names: readonly string[]): string {
  return names.length ? names.join(', ') : 'none';
}
