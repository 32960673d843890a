/*
 * Clicks on the incident message's buttons and the "Post update" modal's submission (Slack
 * interactivity), run against the incident service. Slack wants the HTTP answer within 3 s, so the
 * answer is only what must be in it (nothing, or a modal's validation errors); whatever talks to
 * Slack (views.open, a warning through `response_url`) is `after`, run once the answer is sent.
 * The thread reply and the top message's edit are the Slack sink's, through the outbox.
 */
import { StatusgraphError } from '../errors.js';
import { formatId, parseId } from '../incidents/ids.js';
import type { IncidentService } from '../incidents/service.js';
import { UPDATE_STATUSES, type UpdateStatus } from '../incidents/types.js';
import type { SlackApi } from '../slack-api/client.js';
import { ACTION } from '../slack-api/incident-message.js';
import { escapeSlack } from '../slack-api/mrkdwn.js';

export const UPDATE_MODAL = 'incident_update_modal';

export interface InteractionAnswer {
  /** JSON for the HTTP 200 answer; an empty body when absent. */
  readonly body?: unknown;
  /** Slow work, run after the answer has been sent. */
  readonly after?: (api: SlackApi | undefined) => Promise<void>;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** `@name` of the person who clicked, as /incident writes authors. */
function author(payload: Obj): string {
  const u = obj(payload.user);
  return `@${str(u.username) ?? str(u.name) ?? str(u.id) ?? 'slack'}`;
}

/** The modal behind "Post update": a text and an optional new status. */
export function updateModal(incident: string): Obj {
  return {
    type: 'modal',
    callback_id: UPDATE_MODAL,
    private_metadata: incident,
    title: { type: 'plain_text', text: `Update ${incident}`.slice(0, 24) },
    submit: { type: 'plain_text', text: 'Post update' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      { type: 'input', block_id: 'update_text', label: { type: 'plain_text', text: 'What is happening?' }, element: { type: 'plain_text_input', action_id: 'text', multiline: true, max_length: 2000 } },
      {
        type: 'input', block_id: 'update_status', optional: true, label: { type: 'plain_text', text: 'New status' },
        element: { type: 'static_select', action_id: 'status', options: UPDATE_STATUSES.map((s) => ({ text: { type: 'plain_text', text: s }, value: s })) },
      },
    ],
  };
}

const warnLater = (responseUrl: string | undefined, message: string): InteractionAnswer['after'] =>
  responseUrl === undefined ? undefined : async (api) => {
    await api?.respond(responseUrl, { response_type: 'ephemeral', replace_original: false, text: `:warning: ${escapeSlack(message)}` });
  };

/** The caller's mistakes (a resolved or unknown incident) are told to the caller; the rest is the server's. */
function callersFault(e: unknown): string | undefined {
  return e instanceof StatusgraphError && e.status < 500 ? e.message : undefined;
}

async function blockAction(service: IncidentService, payload: Obj): Promise<InteractionAnswer> {
  const action = obj((payload.actions as unknown[] | undefined)?.[0]);
  const responseUrl = str(payload.response_url);
  const id = parseId(str(action.value) ?? '');
  if (id === undefined) return { after: warnLater(responseUrl, `unknown incident ${String(action.value)}`) };
  const by = author(payload);
  try {
    switch (action.action_id) {
      case ACTION.ack:
        await service.addUpdate(id, { text: `Acknowledged by ${by}`, author: by });
        return {};
      case ACTION.resolve:
        await service.resolve(id, { author: by, text: `Resolved from Slack by ${by}` });
        return {};
      case ACTION.update: {
        const inc = await service.get(id);
        if (!inc) return { after: warnLater(responseUrl, `no incident ${formatId(id)}`) };
        if (inc.resolvedAt !== null) return { after: warnLater(responseUrl, `${formatId(id)} is already resolved`) };
        const trigger = str(payload.trigger_id);
        if (!trigger) return {};
        return { after: async (api) => { await api?.openView(trigger, updateModal(formatId(id))); } };
      }
      default:
        return {};
    }
  } catch (e) {
    const message = callersFault(e);
    if (message === undefined) throw e;
    return { after: warnLater(responseUrl, message) };
  }
}

async function viewSubmission(service: IncidentService, payload: Obj): Promise<InteractionAnswer> {
  const view = obj(payload.view);
  if (view.callback_id !== UPDATE_MODAL) return {};
  const values = obj(obj(view.state).values);
  const text = str(obj(obj(values.update_text).text).value)?.trim();
  const status = str(obj(obj(obj(values.update_status).status).selected_option).value);
  const id = parseId(str(view.private_metadata) ?? '');
  const errors = (message: string): InteractionAnswer => ({ body: { response_action: 'errors', errors: { update_text: message } } });
  if (!text) return errors('Write what is happening.');
  if (status !== undefined && !(UPDATE_STATUSES as readonly string[]).includes(status)) return errors(`unknown status ${status}`);
  if (id === undefined) return errors('This modal names no incident.');
  try {
    await service.addUpdate(id, { text, author: author(payload), ...(status ? { status: status as UpdateStatus } : {}) });
    return {};
  } catch (e) {
    const message = callersFault(e);
    if (message === undefined) throw e;
    return errors(message);
  }
}

/** Runs one verified interaction payload (the JSON of the form's `payload` field). */
export async function runInteraction(service: IncidentService, payload: unknown): Promise<InteractionAnswer> {
  const p = obj(payload);
  if (p.type === 'block_actions') return blockAction(service, p);
  if (p.type === 'view_submission') return viewSubmission(service, p);
  // view_closed, shortcuts, ...: nothing to do, and Slack needs its 200 all the same.
  return {};
}
