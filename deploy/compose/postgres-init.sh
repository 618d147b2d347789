#!/bin/bash
# Runs once, when the primary's data directory is first created (mounted into /docker-entrypoint-initdb.d of
# the timescaledb-ha image, as the postgres superuser): the kyoyu role and database the services use, the
# extensions the migrations expect (created here because they need a superuser; the migrations'
# CREATE EXTENSION IF NOT EXISTS then finds them), and the role the streaming replica copies the cluster as.
# The passwords come from the environment (.env), never from this file.
set -euo pipefail
: "${KYOYU_PG_PASSWORD:?KYOYU_PG_PASSWORD is required (see .env.example)}"
: "${PG_REPLICATION_PASSWORD:?PG_REPLICATION_PASSWORD is required (see .env.example)}"

psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
  --set kyoyu_password="$KYOYU_PG_PASSWORD" --set replication_password="$PG_REPLICATION_PASSWORD" <<'SQL'
SET password_encryption = 'scram-sha-256';
CREATE ROLE kyoyu LOGIN PASSWORD :'kyoyu_password';
CREATE ROLE replicator LOGIN REPLICATION PASSWORD :'replication_password';
CREATE DATABASE kyoyu OWNER kyoyu;
\connect kyoyu
CREATE EXTENSION IF NOT EXISTS timescaledb;
CREATE EXTENSION IF NOT EXISTS vector;
SQL

# Replication connections match only a "replication" line; the services log in over the compose network.
cat >>"$PGDATA/pg_hba.conf" <<'HBA'
host replication replicator all scram-sha-256
host kyoyu       kyoyu      all scram-sha-256
HBA
