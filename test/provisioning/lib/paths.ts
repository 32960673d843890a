import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const repoPath = (...p: string[]): string => path.join(REPO, ...p);

export const DASHBOARD_DIR = repoPath('provisioning/grafana/dashboards/json');
export const DASHBOARD_FILE = path.join(DASHBOARD_DIR, 'statusgraph-overview.json');
export const DATASOURCES_FILE = repoPath('provisioning/grafana/datasources/statusgraph.yml');
export const PROVIDER_FILE = repoPath('provisioning/grafana/dashboards/statusgraph.yml');
export const COMPOSE_FILE = repoPath('docker-compose.yml');
export const ENV_EXAMPLE = repoPath('.env.example');
export const COMPOSE_EXPORTER_CONFIG = repoPath('examples/compose/statusgraph.yml');
export const COMPOSE_CLUSTER_CONFIG = repoPath('examples/compose/cluster.yml');
export const PROMETHEUS_CLUSTER_CONFIG = repoPath('provisioning/prometheus/prometheus-cluster.yml');
export const RULES_DIR = repoPath('provisioning/prometheus/rules');
export const DOCKERFILE = repoPath('exporter/Dockerfile');
