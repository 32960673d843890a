/** Every generated dashboard, by the file it is provisioned from, and how a file's text is made. */
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { overviewDashboard } from './overview.js';

export const DASHBOARDS: Readonly<Record<string, () => dashboard.Dashboard>> = {
  'statusgraph-overview.json': overviewDashboard,
};

/** Stable text: two-space JSON and a final newline, so a diff of the checked-in file reads well. */
export function render(d: dashboard.Dashboard): string {
  return `${JSON.stringify(d, null, 2)}\n`;
}
