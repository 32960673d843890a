/*
 * Every kind of incident sink. Adding a destination is one file under sinks/ and one line here
 * (plus its config section); the composition root builds the enabled ones from the config.
 */
import type { Config } from '../config/types.js';
import type { IncidentSink } from '../incidents/sink.js';
import { grafanaSinks } from './grafana.js';
import { slackSinks } from './slack.js';
import type { SinkDeps, SinkKind } from './types.js';
import { webhookSinks } from './webhook.js';

export const SINK_KINDS: readonly SinkKind[] = [
  grafanaSinks,
  webhookSinks,
  slackSinks,
];

/** The sinks the config enables; names are unique (they key the outbox). */
export function buildSinks(config: Config, deps: SinkDeps, kinds: readonly SinkKind[] = SINK_KINDS): IncidentSink[] {
  const sinks = kinds.flatMap((k) => k.build(config, deps));
  const seen = new Set<string>();
  for (const s of sinks) {
    if (seen.has(s.name)) throw new Error(`two incident sinks are named "${s.name}"`);
    seen.add(s.name);
  }
  return sinks;
}
