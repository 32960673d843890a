#!/usr/bin/env bash
# Regenerates the generated parts of provisioning/prometheus (test/provisioning/slo-rules.test.ts
# fails when they drift):
# - rules/slo.yml and tests/slo.test.yml, from examples/reference.yml by `statusgraph rules`. The
#   rules need only the topology and the objectives: the config's secrets are set to stand-ins.
# - the runbook links of the exporter's own alerts in rules/alerts.yml (and their expected values
#   in tests/alerts.test.yml, tests/maintenance.test.yml and tests/replicas.test.yml): <runbook base>#<alert, lower case>, a section of docs/runbooks.md.
#   Alertmanager and Slack need absolute links, so the base is an https URL where that file is
#   published; the default is the form to replace with your own (see docs/runbooks.md).
#
# Usage: scripts/generate-slo-rules.sh [--runbook-base https://...] [--out DIR]
#   --runbook-base  where docs/runbooks.md is published (default: $DEFAULT_RUNBOOK_BASE below)
#   --out           write to DIR/rules and DIR/tests instead of provisioning/prometheus (which is
#                   still where alerts.yml and the alert tests are read from)
# Nothing is written unless everything was generated.
set -euo pipefail
DEFAULT_RUNBOOK_BASE="https://statusgraph.example/docs/runbooks.md"
root="$(cd "$(dirname "$0")/.." && pwd)"
prom="$root/provisioning/prometheus"
base="$DEFAULT_RUNBOOK_BASE"
out="$prom"
while [ $# -gt 0 ]; do
  case "$1" in
    --runbook-base) base="${2:?--runbook-base needs a URL}"; shift 2 ;;
    --out) out="${2:?--out needs a directory}"; shift 2 ;;
    *) echo "generate-slo-rules: unknown argument $1" >&2; exit 2 ;;
  esac
done
# Absolute https, no fragment (the alert's section is appended), nothing that ends the YAML
# single-quoted string or a sed replacement.
if ! [[ "$base" =~ ^https://[A-Za-z0-9.-]+(:[0-9]+)?(/[^[:space:]\'#\\|&]*)?$ ]]; then
  echo "generate-slo-rules: --runbook-base must be an absolute https URL without a #fragment, got: $base" >&2
  exit 2
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
printf 'stand-in\n' > "$tmp/tokens"
sed "s|/run/secrets/statusgraph-tokens|$tmp/tokens|" "$root/examples/reference.yml" > "$tmp/reference.yml"
export PG_PRIMARY_DSN=postgresql://u:p@pg1:5432/postgres PG_REPLICA_DSN=postgresql://u:p@pg2:5432/postgres
export REDIS_URL=redis://:p@redis:6379 RABBITMQ_URL=amqp://u:p@rabbitmq:5672/
cli="$root/exporter/dist/cli.js"
node "$cli" rules --config "$tmp/reference.yml" > "$tmp/slo.yml"
node "$cli" rules --config "$tmp/reference.yml" --tests ../rules/slo.yml > "$tmp/slo.test.yml"
# Only links to a docs/runbooks.md section (`...#statusgraph<alert>'`): the component alerts'
# runbook_url is a template over statusgraph_component_info and has no such fragment.
link="s|(runbook_url: ')[^'#]*(#statusgraph[a-z]+')|\\1$base\\2|"
sed -E "$link" "$prom/rules/alerts.yml" > "$tmp/alerts.yml"
sed -E "$link" "$prom/tests/alerts.test.yml" > "$tmp/alerts.test.yml"
sed -E "$link" "$prom/tests/maintenance.test.yml" > "$tmp/maintenance.test.yml"
sed -E "$link" "$prom/tests/replicas.test.yml" > "$tmp/replicas.test.yml"
[ "$(grep -c "runbook_url: '$base#" "$tmp/alerts.yml")" = "$(grep -c "^## Statusgraph" "$root/docs/runbooks.md")" ] || {
  echo "generate-slo-rules: rules/alerts.yml does not link every section of docs/runbooks.md once" >&2
  exit 1
}

mkdir -p "$out/rules" "$out/tests"
cp "$tmp/slo.yml" "$tmp/alerts.yml" "$out/rules/"
cp "$tmp/slo.test.yml" "$tmp/alerts.test.yml" "$tmp/maintenance.test.yml" "$tmp/replicas.test.yml" "$out/tests/"
