#!/bin/sh
# Runs once, when the primary's data directory is created (docker-entrypoint-initdb.d): a role for
# the streaming replica and a least-privilege role for the exporter's probe.
set -eu
: "${REPLICATION_PASSWORD:?}" "${PG_MONITOR_PASSWORD:?}"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v repl_pw="$REPLICATION_PASSWORD" -v mon_pw="$PG_MONITOR_PASSWORD" <<'SQL'
CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD :'repl_pw';
-- pg_monitor lets the probe read replication state; it cannot read or change application data.
CREATE ROLE statusgraph WITH LOGIN PASSWORD :'mon_pw' IN ROLE pg_monitor;
SQL

echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
