/**
 * Where the built page lives, and the static file handler for it. Built files are served with
 * gzip or brotli (the page must stay under 100 KB over the wire) and revalidated by ETag.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type RequestHandler } from 'express';

/** dist/static next to the built module, or (running from src/ under a test runner) the build output. */
export function defaultStaticDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, '../static'), path.resolve(here, '../../dist/static')];
  return candidates.find((d) => fs.existsSync(path.join(d, 'index.html'))) ?? candidates[0]!;
}

export function readShell(staticDir: string): string {
  const file = path.join(staticDir, 'index.html');
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    throw new Error(`status page not built: ${file} is missing (run "npm run build")`);
  }
}

export function staticAssets(staticDir: string): RequestHandler {
  return express.static(staticDir, {
    index: false,
    fallthrough: true,
    // No content hash in the names: revalidate each load, cheap with ETag + 304.
    cacheControl: true,
    maxAge: 0,
    etag: true,
    lastModified: false,
    setHeaders: (res) => { res.setHeader('X-Content-Type-Options', 'nosniff'); },
  });
}
