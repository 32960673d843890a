#!/bin/sh
# The streaming replica: on first start, clone the primary with pg_basebackup (-R writes
# standby.signal and primary_conninfo), then run as a hot standby. Runs as the postgres user.
set -eu
: "${PGDATA:?}" "${REPLICATION_PASSWORD:?}" "${PRIMARY_HOST:=postgres-primary}"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  export PGPASSWORD="$REPLICATION_PASSWORD"
  pg_basebackup --host "$PRIMARY_HOST" --username replicator --pgdata "$PGDATA" \
    --write-recovery-conf --wal-method stream --checkpoint fast
  unset PGPASSWORD
  chmod 0700 "$PGDATA"
fi

exec postgres -c hot_standby=on
