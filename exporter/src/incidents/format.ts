/** Human durations for timelines and summaries (core's default style): `1h 2m 3s`, `45s`, `0s`. */
export { formatDuration } from '@statusgraph/core';

export function listOrNone(names: readonly string[]): string {
  return names.length ? names.join(', ') : 'none';
}
