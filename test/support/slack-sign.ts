/*
 * Builds slash-command requests the way Slack does (fixtures/slack): a form body with every field
 * Slack sends, signed with HMAC-SHA256 over `v0:<timestamp>:<body>`. Independent of the exporter's
 * own code, so a test signs with the published scheme rather than with the code under test.
 */
import crypto from 'node:crypto';

export function slackSignature(secret: string, timestamp: string, body: string): string {
  return `v0=${crypto.createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SlashCommandFields {
  text: string;
  user_name?: string;
  user_id?: string;
  command?: string;
  channel_name?: string;
  /** Default: a hooks.slack.com address (only for exporters that never follow up: no bot token). */
  response_url?: string;
}

/** The urlencoded body Slack posts for `/incident <text>`. */
export function slashCommandBody(f: SlashCommandFields): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: 'T0001',
    team_domain: 'example',
    enterprise_id: '',
    enterprise_name: '',
    channel_id: 'C2147483705',
    channel_name: f.channel_name ?? 'engineering',
    user_id: f.user_id ?? 'U2147483697',
    user_name: f.user_name ?? 'alice',
    command: f.command ?? '/incident',
    text: f.text,
    response_url: f.response_url ?? 'https://hooks.slack.com/commands/T0001/1234/abcd',
    trigger_id: '13345224609.738474920.8088930838d88f008e0',
    api_app_id: 'A123456',
  }).toString();
}

/** Headers for `body`, signed at `timestampSec` (default: now). */
export function signedHeaders(secret: string, body: string, timestampSec = Math.floor(Date.now() / 1000)): Record<string, string> {
  const ts = String(timestampSec);
  return {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': ts,
    'x-slack-signature': slackSignature(secret, ts, body),
  };
}

/** The urlencoded body of an interaction (a button click, a modal submission): one `payload` field of JSON. */
export function interactionBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
