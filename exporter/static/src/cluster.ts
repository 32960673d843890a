/*
 * The cluster line of the page (docs/cluster.md): which replica serves the page, who leads, and
 * a checker whose results are set aside. Asked for only when the boot data says the exporter is a
 * replica; refreshed once per interval.
 */
import { ApiError, getJson } from './api.js';
import { byId, h, replace } from './dom.js';

interface ReplicaView {
  readonly name: string;
  readonly location: string;
  readonly live: boolean;
  readonly checkerHealthy: boolean | null;
  readonly assignedComponents: number;
}

interface ClusterView {
  readonly replica: string;
  readonly leader: boolean;
  readonly replicas: readonly ReplicaView[];
}

function render(v: ClusterView): void {
  const el = byId('cluster');
  const live = v.replicas.filter((r) => r.live);
  const aside = live.filter((r) => r.checkerHealthy === false);
  el.hidden = false;
  el.dataset.unhealthy = aside.map((r) => r.name).join(' ');
  replace(el,
    h('p', {}, `Served by replica ${v.replica}${v.leader ? ' (leader)' : ''}; ${live.length} of ${v.replicas.length} replicas up.`),
    ...aside.map((r) => h('p', { class: 'warn', 'data-checker': r.name },
      `Checker ${r.name} (${r.location}) is set aside: it sees components fail that the other replicas see working, so its own network path is suspect. Components show what their other probers see.`)),
    h('ul', { class: 'replicas' }, ...v.replicas.map((r) => h('li', { 'data-replica': r.name },
      `${r.name} · ${r.location} · ${r.live ? `probes ${r.assignedComponents} components` : 'down'}${r.checkerHealthy === false ? ' · set aside' : ''}`))));
}

export function watchCluster(everyMs: number): void {

  const load = (): void => {
    getJson<ClusterView>('api/v1/cluster').then((v) => {
      render(v);
      setTimeout(load, everyMs);
    }, (err: unknown) => {
      // Not a cluster after all (a restart without cluster:): nothing to show, nothing more to ask.
      if (err instanceof ApiError && err.status === 404) return;
      setTimeout(load, everyMs);
    });
  };
  load();
}
