/**
 * What the incident service announces, and to what. The HTTP layer's SSE hub implements
 * IncidentPublisher; the incident domain owns the interface, so it depends on nothing above it.
 */
export interface IncidentEvent {
  /** opened | updated | resolved */
  readonly change: 'opened' | 'updated' | 'resolved';
  readonly incident: unknown;
}

export interface IncidentPublisher {
  publishIncident(event: IncidentEvent): void;
}
