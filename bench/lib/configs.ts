/*
 * Generated configs for the benchmarks. Each prober gets its own path prefix on the one nginx, so
 * the access log tells whose request each line was.
 */

export function componentName(i: number): string {
  return `c${String(i).padStart(5, '0')}`;
}

/** 10 s like both probers' defaults, or half the interval for short test runs. */
export function probeTimeoutSeconds(intervalSeconds: number): number {
  return Math.min(10, intervalSeconds / 2);
}

/** statusgraph config: `n` HTTP components, each probing its own path of the target. */
export function statusgraphHttpConfig(opts: { n: number; origin: string; prefix: string; intervalSeconds: number }): string {
  const lines = [`interval: ${opts.intervalSeconds}s`, `timeout: ${probeTimeoutSeconds(opts.intervalSeconds)}s`, 'components:'];
  for (let i = 0; i < opts.n; i++) {
    const name = componentName(i);
    lines.push(`  - name: ${name}`, '    tier: service', '    probes:', `      - kind: http`, `        url: ${opts.origin}${opts.prefix}${name}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The status page benchmark's config: `n` HTTP components with a graph to draw, every 10th
 * infrastructure and the nine after it services depending on it (as test/statuspage/page-10k).
 */
export function statusgraphPageConfig(opts: { n: number; origin: string; prefix: string; intervalSeconds: number }): string {
  const lines = [`interval: ${opts.intervalSeconds}s`, `timeout: ${probeTimeoutSeconds(opts.intervalSeconds)}s`, 'components:'];
  for (let i = 0; i < opts.n; i++) {
    const name = componentName(i);
    const infra = i % 10 === 0;
    lines.push(`  - name: ${name}`, `    tier: ${infra ? 'infrastructure' : 'service'}`);
    if (!infra) lines.push(`    depends_on: [${componentName(i - (i % 10))}]`);
    lines.push('    probes:', '      - kind: http', `        url: ${opts.origin}${opts.prefix}${name}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Prometheus driving blackbox_exporter the way its README says: one scrape of /probe per target
 * per interval, the target in the `target` parameter. Prometheus spreads the targets over the
 * interval, as statusgraph does. It also scrapes statusgraph's /metrics, as in production.
 */
export function prometheusBenchConfig(opts: { n: number; origin: string; prefix: string; intervalSeconds: number; blackbox: string; exporter: string }): string {
  const targets: string[] = [];
  for (let i = 0; i < opts.n; i++) targets.push(`"${opts.origin}${opts.prefix}${componentName(i)}"`);
  return `global:
  scrape_interval: ${opts.intervalSeconds}s
  scrape_timeout: ${probeTimeoutSeconds(opts.intervalSeconds)}s
  evaluation_interval: ${opts.intervalSeconds}s
scrape_configs:
  - job_name: statusgraph
    scrape_interval: 15s
    static_configs:
      - targets: ["${opts.exporter}"]
  - job_name: blackbox
    metrics_path: /probe
    params:
      module: [http_2xx]
    static_configs:
      - targets: [${targets.join(', ')}]
    relabel_configs:
      - source_labels: [__address__]
        target_label: __param_target
      - source_labels: [__param_target]
        target_label: instance
      - target_label: __address__
        replacement: "${opts.blackbox}"
`;
}
