/** Public incident ids are `INC-<n>`: short, URL-safe, and stable across restarts (the store key). */
const PREFIX = 'INC-';

export function formatId(id: number): string {
  return `${PREFIX}${id}`;
}

/** The store key of a public id, or undefined when it is not one (callers answer 404). */
export function parseId(text: string): number | undefined {
  const m = /^INC-([1-9][0-9]{0,15})$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Lenient form for chat: `INC-3`, `inc-3`, `#3` or `3`. */
export function parseLooseId(text: string): number | undefined {
  const m = /^(?:inc-|#)?([1-9][0-9]{0,15})$/i.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) ? n : undefined;
}
