#!/bin/sh
# The streaming replica: on first start, clone the primary with pg_basebackup (-R writes
# standby.signal and primary_conninfo), then run as a hot standby. Runs as the postgres user.
# Arguments are passed on to the server (e.g. -c port=5433).
set -eu
: "${PGDATA:?}" "${REPLICATION_PASSWORD:?}" "${PRIMARY_HOST:=postgres-primary}" "${PRIMARY_PORT:=5432}"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  export PGPASSWORD="$REPLICATION_PASSWORD"
  pg_basebackup --host "$PRIMARY_HOST" --port "$PRIMARY_PORT" --username replicator --pgdata "$PGDATA" \
    --write-recovery-conf --wal-method stream --checkpoint fast
  unset PGPASSWORD
  chmod 0700 "$PGDATA"
fi

exec postgres -c hot_standby=on "$@"
