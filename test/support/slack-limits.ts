/**
 * What Slack refuses in an incoming-webhook message, as pure checks (no I/O), so the stand-in
 * (slack-webhook.ts) answers what Slack answers. Limits are Slack's published Block Kit and
 * message limits; the reasons are the short strings Slack's webhooks answer with
 * (../shared/fixtures/slack/slash-command-fields.md, "Incoming webhooks").
 */

/** Slack truncates or refuses `text` over 40,000 characters; the stand-in refuses. */
export const MAX_TEXT = 40_000;
export const MAX_BLOCKS = 50;
export const MAX_ATTACHMENTS = 100;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown, max: number, min = 1): boolean => typeof v === 'string' && v.length >= min && v.length <= max;

function textObject(v: unknown, max: number, plainOnly = false): string | undefined {
  if (!isObj(v)) return 'text object missing';
  if (v.type !== 'plain_text' && (plainOnly || v.type !== 'mrkdwn')) return `text type ${String(v.type)}`;
  if (!str(v.text, max)) return `text empty or over ${max} characters`;
  return undefined;
}

function button(e: Obj): string | undefined {
  const t = textObject(e.text, 75, true);
  if (t) return `button ${t}`;
  if (e.url !== undefined && !str(e.url, 3000)) return 'button url over 3000 characters';
  if (e.action_id !== undefined && !str(e.action_id, 255)) return 'button action_id over 255 characters';
  if (e.value !== undefined && !str(e.value, 2000)) return 'button value over 2000 characters';
  if (e.style !== undefined && e.style !== 'primary' && e.style !== 'danger') return `button style ${String(e.style)}`;
  return undefined;
}

function element(e: unknown): string | undefined {
  if (!isObj(e)) return 'element is not an object';
  if (e.type === 'button') return button(e);
  if (e.type === 'image') return str(e.image_url, 3000) && str(e.alt_text, 2000) ? undefined : 'image needs image_url and alt_text';
  return `element type ${String(e.type)}`;
}

const blockChecks: Record<string, (b: Obj) => string | undefined> = {
  section(b) {
    if (b.text === undefined && b.fields === undefined) return 'section needs text or fields';
    if (b.text !== undefined) { const t = textObject(b.text, 3000); if (t) return `section ${t}`; }
    if (b.fields !== undefined) {
      if (!Array.isArray(b.fields) || b.fields.length === 0 || b.fields.length > 10) return 'section fields: 1 to 10';
      for (const f of b.fields) { const t = textObject(f, 2000); if (t) return `section field ${t}`; }
    }
    return b.accessory === undefined ? undefined : element(b.accessory);
  },
  header: (b) => textObject(b.text, 150, true),
  divider: () => undefined,
  markdown: (b) => (str(b.text, 12_000) ? undefined : 'markdown text empty or over 12000 characters'),
  context(b) {
    if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > 10) return 'context elements: 1 to 10';
    for (const e of b.elements) {
      const problem = isObj(e) && e.type === 'image' ? element(e) : textObject(e, 3000);
      if (problem) return `context ${problem}`;
    }
    return undefined;
  },
  actions(b) {
    if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > 25) return 'actions elements: 1 to 25';
    for (const e of b.elements) { const p = element(e); if (p) return `actions ${p}`; }
    return undefined;
  },
  image: (b) => element({ ...b, type: 'image' }),
};

/** Why Slack would answer `invalid_blocks` to these blocks, or undefined when it would take them. */
export function blocksProblem(blocks: unknown): string | undefined {
  if (!Array.isArray(blocks)) return 'blocks is not an array';
  if (blocks.length > MAX_BLOCKS) return `${blocks.length} blocks, over ${MAX_BLOCKS}`;
  const ids = new Set<string>();
  for (const [i, b] of blocks.entries()) {
    if (!isObj(b) || typeof b.type !== 'string') return `block ${i} has no type`;
    const check = blockChecks[b.type];
    if (!check) return `block ${i}: unknown type ${b.type}`;
    const problem = check(b);
    if (problem) return `block ${i} (${b.type}): ${problem}`;
    if (b.block_id !== undefined) {
      if (!str(b.block_id, 255) || ids.has(b.block_id as string)) return `block ${i}: block_id empty, too long or repeated`;
      ids.add(b.block_id as string);
    }
  }
  return undefined;
}

export interface Refusal { readonly status: number; readonly reason: string; readonly detail: string }

/**
 * The answer Slack gives a parsed JSON body that it refuses, or undefined when it would post it.
 * `channel`, `username` and `icon_*` are not checked: an app webhook ignores them.
 */
export function webhookRefusal(body: unknown): Refusal | undefined {
  const refuse = (reason: string, detail: string): Refusal => ({ status: 400, reason, detail });
  if (!isObj(body)) return refuse('invalid_payload', 'body is not a JSON object');
  const { text, blocks, attachments } = body;
  if (text !== undefined && typeof text !== 'string') return refuse('invalid_payload', 'text is not a string');
  if (typeof text === 'string' && text.length > MAX_TEXT) return refuse('msg_too_long', `text of ${text.length} characters`);
  if (blocks !== undefined) { const p = blocksProblem(blocks); if (p) return refuse('invalid_blocks', p); }
  if (attachments !== undefined) {
    if (!Array.isArray(attachments) || !attachments.every(isObj)) return refuse('invalid_attachments', 'attachments is not an array of objects');
    if (attachments.length > MAX_ATTACHMENTS) return refuse('too_many_attachments', `${attachments.length} attachments`);
    const total = attachments.reduce((n, a) => n + (typeof a.text === 'string' ? a.text.length : 0), typeof text === 'string' ? text.length : 0);
    if (total > MAX_TEXT) return refuse('msg_too_long', `${total} characters of text`);
    for (const a of attachments) if (a.blocks !== undefined) { const p = blocksProblem(a.blocks); if (p) return refuse('invalid_blocks', p); }
  }
  const hasText = typeof text === 'string' && text.trim() !== '';
  const hasBlocks = Array.isArray(blocks) && blocks.length > 0;
  const hasAttachments = Array.isArray(attachments) && attachments.length > 0;
  if (!hasText && !hasBlocks && !hasAttachments) return refuse('no_text', 'no text, blocks or attachments');
  return undefined;
}
