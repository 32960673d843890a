/* Text for Slack messages (pure): escaping, and cutting to Block Kit's limits. */

/** Slack's mrkdwn control characters (https://api.slack.com/reference/surfaces/formatting#escaping). */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** At most `max` characters (Block Kit refuses longer texts with invalid_blocks), marked when cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A mrkdwn section, clipped to a section text's 3,000 characters. */
export function section(text: string): Record<string, unknown> {
  return { type: 'section', text: { type: 'mrkdwn', text: clip(text, 3000) } };
}
