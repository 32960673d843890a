/**
 * What the incident service announces, and to what. The HTTP layer's SSE hub implements
 * IncidentPublisher; the incident domain owns the interface, so it depends on nothing above it.
 */
import type { IncidentJson } from './serialize.js';
import type { ChangeKind } from './sink.js';

export interface IncidentEvent {
  readonly change: ChangeKind;
  readonly incident: IncidentJson;
}

export interface IncidentPublisher {
  publishIncident(event: IncidentEvent): void;
}
