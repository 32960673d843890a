/** HTML text and attribute escaping for the public page and the feeds' HTML content. */
const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

export const STATUS_WORDS: Readonly<Record<string, string>> = {
  investigating: 'Investigating', identified: 'Identified', monitoring: 'Monitoring', resolved: 'Resolved',
  operational: 'Operational', degraded_performance: 'Degraded performance', partial_outage: 'Partial outage',
  major_outage: 'Major outage', under_maintenance: 'Under maintenance',
  scheduled: 'Scheduled', in_progress: 'In progress', completed: 'Completed',
};
