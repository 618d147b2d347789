#!/bin/bash
# The postgres-replica service's entrypoint: a hot standby of the primary for query-api's reads
# (KYOYU_QUERY_REPLICA_URLS). On first start (an empty volume) it copies the primary with pg_basebackup -R,
# which also writes the standby's connection settings; later starts resume streaming from where it was.
# No replication slot, like the local stack's replica: a replica left stopped never makes the primary keep
# WAL; one that fell too far behind is rebuilt by emptying its volume (docs/operations.md).
set -euo pipefail
: "${PGPASSWORD:?PGPASSWORD, the password of the replication role, is required (see .env.example)}"
export PATH="/usr/lib/postgresql/17/bin:$PATH"
PGDATA="${PGDATA:-/home/postgres/pgdata/data}"

if [[ ! -s $PGDATA/PG_VERSION ]]; then
  mkdir -p "$PGDATA"
  chmod 700 "$PGDATA"
  until pg_isready -q -h postgres -p 5432; do
    echo "replica: waiting for the primary…"
    sleep 2
  done
  pg_basebackup -h postgres -p 5432 -U replicator -D "$PGDATA" -X stream -R --checkpoint=fast --progress
fi
# The password must not stay in the process environment of the server.
unset PGPASSWORD
exec postgres -D "$PGDATA" -c hot_standby=on -c hot_standby_feedback=on
