/** Codes that mean the name did not resolve. */
const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);

function codesOf(err: unknown): string[] {
  const codes: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    if (e instanceof AggregateError) for (const inner of e.errors) codes.push(...codesOf(inner));
    e = (e as { cause?: unknown }).cause;
  }
  return codes;
}

/**
 * A short, stable reason for a network failure: what an engineer reads first at 3 AM. Never the
 * error's own message, which may embed a URL with credentials.
 */
export function networkReason(err: unknown, signal?: AbortSignal): string {
  if (signal?.aborted) return 'timeout';
  const codes = codesOf(err);
  const has = (pred: (c: string) => boolean) => codes.some(pred);
  if (has((c) => c === 'ECONNREFUSED')) return 'refused';
  if (has((c) => DNS.has(c))) return 'dns';
  if (has((c) => c === 'UND_ERR_CONNECT_TIMEOUT' || c === 'ETIMEDOUT' || c === 'UND_ERR_HEADERS_TIMEOUT' || c === 'UND_ERR_BODY_TIMEOUT')) return 'timeout';
  if (has((c) => c.startsWith('ERR_TLS') || c.startsWith('ERR_SSL') || c.startsWith('CERT_') || c.includes('CERT') || c === 'DEPTH_ZERO_SELF_SIGNED_CERT' || c === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' || c === 'SELF_SIGNED_CERT_IN_CHAIN')) return 'tls';
  if (has((c) => c === 'ECONNRESET' || c === 'EPIPE')) return 'connection reset';
  if (has((c) => c === 'UND_ERR_SOCKET' || c === 'UND_ERR_CLOSED')) return 'connection closed';
  if (has((c) => c === 'EHOSTUNREACH' || c === 'ENETUNREACH')) return 'unreachable';
  if (has((c) => c === 'UND_ERR_MAX_REDIRECTS' || c === 'UND_ERR_REQ_RETRY')) return 'too many redirects';
  if (has((c) => c === 'UND_ERR_INVALID_ARG') && /redirect loop/i.test(String((err as Error)?.message))) return 'redirect loop';
  if ((err as { name?: string })?.name === 'AbortError' || (err as { name?: string })?.name === 'TimeoutError') return 'timeout';
  return codes[0] ? codes[0].toLowerCase() : 'error';
}

/** Seconds elapsed since `start` (a performance.now() value). */
export function since(start: number): number {
  return (performance.now() - start) / 1_000;
}
