/*
 * Issue 15, acceptance 5 (and item 6): the Slack app manifest a new user pastes in step 1 of the
 * README's "Slack: install the app in five steps" works with this exporter. Its slash command and
 * interactivity URLs are routes the exporter serves, its bot scopes are exactly what the Web API
 * methods the exporter calls need (Slack's per-method scope, none missing, none extra), its
 * fields fit Slack's manifest limits, and its usage hint names every subcommand `/incident`
 * knows. The end-to-end behaviour of those routes is slack-interactions.test.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { slackRoutes } from '../../exporter/src/http/routes/slack.js';
import { HELP_TEXT } from '../../exporter/src/slack/command.js';
import { REPO_ROOT } from '../support/exporter.js';

interface Manifest {
  display_information: { name: string; description?: string };
  features: {
    bot_user: { display_name: string };
    slash_commands: { command: string; url: string; description: string; usage_hint?: string; should_escape?: boolean }[];
  };
  oauth_config: { scopes: { bot: string[]; user?: string[] } };
  settings: { interactivity: { is_enabled: boolean; request_url: string }; socket_mode_enabled?: boolean };
}

const manifest = YAML.parse(fs.readFileSync(path.join(REPO_ROOT, 'slack/manifest.yml'), 'utf8')) as Manifest;
const client = fs.readFileSync(path.join(REPO_ROOT, 'exporter/src/slack-api/client.ts'), 'utf8');

/*
 * The bot scopes each Web API method needs, from Slack's method reference. conversations.history
 * and .replies need the history scope of the channel's kind: channels: for a public incident
 * channel, groups: for a private one (both are asked, the README lets either be used).
 */
const SCOPES_OF: Record<string, readonly string[]> = {
  'chat.postMessage': ['chat:write'],
  'chat.update': ['chat:write'],
  'conversations.history': ['channels:history', 'groups:history'],
  'conversations.replies': ['channels:history', 'groups:history'],
  'chat.getPermalink': [],
  'views.open': [],
};

describe('slack/manifest.yml', () => {
  it('points the slash command and interactivity at the routes the exporter serves, over HTTPS', () => {
    const router = slackRoutes({ service: {} as never, signingSecret: () => undefined, now: Date.now, logger: pino({ level: 'silent' }) });
    const served = router.stack.flatMap((layer) => (layer.route ? [layer.route.path] : []));
    expect(served.sort()).toEqual(['/slack/commands', '/slack/interactions']);
    const [command] = manifest.features.slash_commands;
    expect(manifest.features.slash_commands).toHaveLength(1);
    expect(command!.command).toBe('/incident');
    expect(new URL(command!.url).protocol).toBe('https:');
    expect(new URL(command!.url).pathname).toBe('/slack/commands');
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(new URL(manifest.settings.interactivity.request_url).pathname).toBe('/slack/interactions');
    // Both at the address the README tells the user to replace, so one replacement does both.
    expect(new URL(manifest.settings.interactivity.request_url).origin).toBe(new URL(command!.url).origin);
    // HTTP delivery: socket mode would send nothing to those URLs.
    expect(manifest.settings.socket_mode_enabled ?? false).toBe(false);
  });

  it('asks for exactly the bot scopes the exporter\'s Web API calls and the command need', () => {
    const called = [...new Set([...client.matchAll(/call\('([a-zA-Z]+\.[a-zA-Z]+)'/g)].map((m) => m[1]!))].sort();
    // Every method the client calls has a known scope here (a new one must be added, with its scope).
    expect(called.filter((m) => !(m in SCOPES_OF))).toEqual([]);
    expect(called).toEqual(Object.keys(SCOPES_OF).sort());
    const needed = new Set(['commands', ...called.flatMap((m) => SCOPES_OF[m]!)]);
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...needed].sort());
    expect(manifest.oauth_config.scopes.user ?? []).toEqual([]);
  });

  it('fits Slack\'s manifest limits', () => {
    expect(manifest.display_information.name.length).toBeLessThanOrEqual(35);
    expect((manifest.display_information.description ?? '').length).toBeLessThanOrEqual(140);
    expect(manifest.features.bot_user.display_name.length).toBeLessThanOrEqual(80);
    for (const c of manifest.features.slash_commands) {
      expect(c.command).toMatch(/^\/[a-z0-9_-]{1,31}$/);
      expect(c.description.length).toBeLessThanOrEqual(2000);
      expect((c.usage_hint ?? '').length).toBeLessThanOrEqual(1000);
    }
  });

  it('names every /incident subcommand in its usage hint', () => {
    const subcommands = [...new Set([...HELP_TEXT.matchAll(/`\/incident (\w+)/g)].map((m) => m[1]!))];
    expect(subcommands.length).toBeGreaterThan(5);
    const hint = manifest.features.slash_commands[0]!.usage_hint ?? '';
    expect(subcommands.filter((s) => !new RegExp(`(^|\\| )${s}\\b`).test(hint))).toEqual([]);
  });

  it('is the file step 1 of the README\'s install steps links', () => {
    const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Slack: install the app in five steps'));
    expect(section.slice(0, section.indexOf('\n## ', 5))).toContain('[slack/manifest.yml](slack/manifest.yml)');
  });
});
