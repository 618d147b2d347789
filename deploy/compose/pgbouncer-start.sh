#!/bin/sh
# The pgbouncer service's entrypoint: writes the userlist from KYOYU_PG_PASSWORD (never into the image or the
# repository; readable by PgBouncer's user only, in the container's own /tmp) and runs PgBouncer with
# deploy/compose/pgbouncer.ini.
set -eu
: "${KYOYU_PG_PASSWORD:?KYOYU_PG_PASSWORD is required (see .env.example)}"
mkdir -p /tmp/pgbouncer
umask 077
printf '"kyoyu" "%s"\n' "$KYOYU_PG_PASSWORD" >/tmp/pgbouncer/userlist.txt
exec pgbouncer /kyoyu/pgbouncer.ini
