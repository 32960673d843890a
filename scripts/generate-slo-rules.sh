#!/usr/bin/env bash
# Regenerates provisioning/prometheus/rules/slo.yml and tests/slo.test.yml from
# examples/reference.yml (test/provisioning/slo-rules.test.ts fails when they drift). The rules
# need only the topology and the objectives: the config's secrets are set to stand-ins here.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
printf 'stand-in\n' > "$tmp/tokens"
sed "s|/run/secrets/statusgraph-tokens|$tmp/tokens|" "$root/examples/reference.yml" > "$tmp/reference.yml"
export PG_PRIMARY_DSN=postgresql://u:p@pg1:5432/postgres PG_REPLICA_DSN=postgresql://u:p@pg2:5432/postgres
export REDIS_URL=redis://:p@redis:6379 RABBITMQ_URL=amqp://u:p@rabbitmq:5672/
cli="$root/exporter/dist/cli.js"
node "$cli" rules --config "$tmp/reference.yml" > "$root/provisioning/prometheus/rules/slo.yml"
node "$cli" rules --config "$tmp/reference.yml" --tests ../rules/slo.yml > "$root/provisioning/prometheus/tests/slo.test.yml"
