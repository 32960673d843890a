import type { IncidentSink } from '../incidents/sink.js';

/**
 * A sink that delivers only while this replica leads the cluster: on a follower every delivery is
 * a retry, so its outbox keeps the work (nothing lost) and the leader's is the one that sends it
 * (nothing sent twice by two replicas). One process without a cluster never wraps its sinks.
 */
export function leaderOnly(sink: IncidentSink, guard: { isLeader(): boolean }): IncidentSink {
  return {
    name: sink.name,
    coalesce: sink.coalesce,
    deliver: (change, incident, ctx) => (guard.isLeader()
      ? sink.deliver(change, incident, ctx)
      : Promise.resolve({ outcome: 'retry', error: 'not the cluster leader: the leader delivers' })),
    close: () => sink.close(),
  };
}
