import { request, type Dispatcher } from 'undici';
import { z } from 'zod';

/** A minimal Prometheus HTTP API client (instant and range queries) for the reports. */

const sampleValue = z.tuple([z.number(), z.string()]);
const vector = z.array(z.object({ metric: z.record(z.string(), z.string()), value: sampleValue }));
const matrix = z.array(z.object({ metric: z.record(z.string(), z.string()), values: z.array(sampleValue) }));
const envelope = z.object({
  status: z.enum(['success', 'error']),
  data: z.object({ resultType: z.string(), result: z.unknown() }).optional(),
  errorType: z.string().optional(),
  error: z.string().optional(),
});

export interface InstantSample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface RangeSeries {
  readonly labels: Readonly<Record<string, string>>;
  /** [epoch ms, value] */
  readonly points: readonly (readonly [number, number])[];
}

export interface PromClient {
  query(expr: string, at: Date): Promise<InstantSample[]>;
  queryRange(expr: string, start: Date, end: Date, stepSeconds: number): Promise<RangeSeries[]>;
}

export interface PromClientOptions {
  readonly timeoutMs?: number;
  readonly dispatcher?: Dispatcher;
}

function parseValue(v: string): number {
  // Prometheus writes infinities as "+Inf"/"-Inf", which Number() does not read.
  if (v === '+Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  return Number(v);
}

export function promClient(baseUrl: string, opts: PromClientOptions = {}): PromClient {
  let base: URL;
  try {
    base = new URL(baseUrl);
  } catch {
    throw new Error(`invalid Prometheus URL "${baseUrl}"`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error(`invalid Prometheus URL "${baseUrl}": must be http or https`);
  const timeoutMs = opts.timeoutMs ?? 30_000;

  const call = async (path: string, params: Record<string, string>): Promise<{ resultType: string; result: unknown }> => {
    const url = new URL(path, base.href.endsWith('/') ? base.href : `${base.href}/`);
    // POST with a form body: long PromQL does not hit URL length limits.
    const body = new URLSearchParams(params).toString();
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body,
        signal: AbortSignal.timeout(timeoutMs),
        ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
      });
    } catch (e) {
      throw new Error(`Prometheus at ${base.origin} unreachable: ${(e as Error).message}`);
    }
    const text = await res.body.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`Prometheus at ${base.origin} answered ${res.statusCode} with a non-JSON body for ${path}`);
    }
    const parsed = envelope.safeParse(json);
    if (!parsed.success) throw new Error(`Prometheus at ${base.origin} answered ${res.statusCode} with an unexpected body for ${path}`);
    if (parsed.data.status !== 'success' || !parsed.data.data) {
      throw new Error(`Prometheus query failed (${res.statusCode} ${parsed.data.errorType ?? ''}): ${parsed.data.error ?? 'no error message'} [query: ${params.query}]`);
    }
    return parsed.data.data;
  };

  return {
    async query(expr, at) {
      const data = await call('api/v1/query', { query: expr, time: (at.getTime() / 1000).toFixed(3) });
      if (data.resultType !== 'vector') throw new Error(`expected a vector from "${expr}", got ${data.resultType}`);
      return vector.parse(data.result).map((s) => ({ labels: s.metric, value: parseValue(s.value[1]) }));
    },
    async queryRange(expr, start, end, stepSeconds) {
      const data = await call('api/v1/query_range', {
        query: expr,
        start: (start.getTime() / 1000).toFixed(3),
        end: (end.getTime() / 1000).toFixed(3),
        step: String(stepSeconds),
      });
      if (data.resultType !== 'matrix') throw new Error(`expected a matrix from "${expr}", got ${data.resultType}`);
      return matrix.parse(data.result).map((s) => ({
        labels: s.metric,
        points: s.values.map(([t, v]) => [Math.round(t * 1000), parseValue(v)] as const),
      }));
    },
  };
}
