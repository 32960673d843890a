/*
 * Issue 13, acceptance 2 (the HTTP part): the incident domain imports nothing of the HTTP layer.
 * Its routes live in http/routes/; the SSE hub implements the domain's IncidentPublisher. Reads
 * every import of every module under src/incidents, so a new file is covered without a list.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');
/** http/ and slack/ sit above incidents (slack/ runs commands against the incident service). */
const ABOVE = /^(?:\.\.\/(?:http|slack|statuspage)\/|\.\.\/app\.js$|express$|compression$)/;

function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'|^\s*import\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/gm)]
    .map((m) => m[1] ?? m[2] ?? m[3]!);
}

describe('incidents/ imports nothing above it', () => {
  it('no module under src/incidents imports http/, slack/, the status page, the app or express', () => {
    const files = fs.readdirSync(path.join(SRC, 'incidents')).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(5);
    const wrong = files.flatMap((f) => importsOf(path.join(SRC, 'incidents', f)).filter((s) => ABOVE.test(s)).map((s) => `${f} -> ${s}`));
    expect(wrong).toEqual([]);
  });

  it('the check sees the imports it must refuse', () => {
    const probe = path.join(SRC, 'incidents', 'service.ts');
    const specs = importsOf(probe);
    // service.ts imports the engine and its own modules: proof that the parser reads imports at all.
    expect(specs).toContain('./decide.js');
    expect(['../http/events.js', 'express', '../slack/handler.js'].every((s) => ABOVE.test(s))).toBe(true);
    expect(ABOVE.test('../engine/graph.js')).toBe(false);
  });
});
