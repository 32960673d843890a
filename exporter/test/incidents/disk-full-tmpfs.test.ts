/*
 * A real full disk: the data dir on a 2 MB tmpfs filled to the last byte. Writes over the API and
 * from Slack answer 507 with the reason, and SQLite's transaction leaves nothing half-written; once
 * a file is removed, the same write succeeds. Mounting needs root (CAP_SYS_ADMIN): elsewhere this
 * file is skipped and test/incidents/disk-full.test.ts (the failure injected at the store) stands.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackSignature } from '../../src/slack/verify.js';
import { jsonAuth, SIGNING_SECRET, startTestApp, type TestApp } from './app.js';

function tryMount(): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m,mode=0700', 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    fs.rmdirSync(dir);
    return undefined;
  }
}

const mount = tryMount();
const filler = mount && path.join(mount, 'filler');
let app: TestApp;

/** Writes zeros until the file system refuses: ENOSPC, nothing left. */
function fill(file: string): void {
  const fd = fs.openSync(file, 'w');
  const chunk = Buffer.alloc(4096);
  try {
    for (;;) fs.writeSync(fd, chunk);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    fs.closeSync(fd);
  }
}

beforeAll(async () => {
  if (!mount) return;
  app = await startTestApp({ dataDir: mount });
});
afterAll(async () => {
  if (!mount) return;
  await app?.close();
  execFileSync('umount', [mount]);
  fs.rmdirSync(mount);
});

function slackCommand(text: string) {
  const ts = String(Math.floor(Date.now() / 1000));
  const body = new URLSearchParams({ command: '/incident', text, user_name: 'erin' }).toString();
  return {
    method: 'POST', body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': ts, 'x-slack-signature': slackSignature(SIGNING_SECRET, ts, body) },
  };
}

describe.skipIf(!mount)('a full data disk (tmpfs)', () => {
  it('API and Slack writes answer 507 with the reason, change nothing, and work again once there is room', async () => {
    const create = () => fetch(`${app.url}/api/v1/incidents`, { method: 'POST', headers: jsonAuth, body: JSON.stringify({ title: 'Disk test', components: ['db'] }) });
    const before = app.dump();
    fill(filler!);

    const api = await create();
    expect(api.status).toBe(507);
    expect(await api.json()).toEqual({ error: 'storage full: the incident could not be saved (SQLITE_FULL)' });
    const slack = await fetch(`${app.url}/slack/commands`, slackCommand('create Disk test --component db'));
    expect(slack.status).toBe(507);
    expect(await slack.json()).toEqual({ error: 'storage full: the incident could not be saved (SQLITE_FULL)' });
    expect(app.dump()).toEqual(before);

    fs.rmSync(filler!);
    const again = await create();
    expect(again.status).toBe(201);
    expect(await app.incidents.service.list()).toHaveLength(1);
  });
});
