/*
 * The one body reader of every route that takes a body. The checks run in the same order
 * everywhere, so a fault reads the same on every route: too large (413), then a body declared as
 * JSON must parse (400), then the route must take that content type (415).
 */
import express, { type Request, type RequestHandler } from 'express';
import { BadRequestError } from '../errors.js';
import { NOT_JSON, unsupportedType } from './errors.js';

/** `json`: the API's bodies; `form`: what browsers and Slack post. */
export type BodyKind = 'json' | 'form';

const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json$/;
const FORM_TYPE = 'application/x-www-form-urlencoded';
/**
 * Read as JSON on a JSON route too: what `curl -d` (form) and `fetch` with a string body
 * (text/plain) send when nobody sets a type, so neither needs a header to work.
 */
const UNDECLARED = new Set(['', FORM_TYPE, 'text/plain']);

const raws = new WeakMap<Request, Buffer>();

/** The exact bytes received (a signature covers them), empty when there was no body. */
export function rawBody(req: Request): Buffer {
  return raws.get(req) ?? Buffer.alloc(0);
}

function mediaType(req: Request): string {
  return (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new BadRequestError(NOT_JSON);
  }
}

/**
 * Middlewares that leave the parsed body in `req.body`: JSON (undefined when empty), or a form
 * as an object of strings. `limit` as express takes it ('4kb'); a bigger body is a 413.
 */
export function readBody(kind: BodyKind, limit: string): RequestHandler {
  const read = express.raw({ type: () => true, limit });
  const parse = (req: Request): void => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    raws.set(req, raw);
    const type = mediaType(req);
    const declaredJson = JSON_TYPE.test(type);
    // A body declared as JSON must parse, on every route, before the route's type is checked.
    const json = declaredJson ? parseJson(raw) : undefined;
    if (kind === 'json') {
      if (!declaredJson && !UNDECLARED.has(type)) throw unsupportedType(type);
      req.body = declaredJson ? json : parseJson(raw);
    } else {
      // No body and no type is an empty form: the route then says what is missing.
      if (type !== FORM_TYPE && !(type === '' && raw.length === 0)) throw unsupportedType(type);
      req.body = Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
    }
  };
  return (req, res, next) => {
    read(req, res, (err?: unknown) => {
      if (err) return next(err);
      try {
        parse(req);
      } catch (e) {
        return next(e);
      }
      next();
    });
  };
}
