#!/usr/bin/env bash
# PgBouncer in transaction mode in front of the local PostgreSQL (./kyoyu up --pooler):
#   install | start | stop | kill | status | pid | url | show WHAT
#
# Debian bookworm's PgBouncer (1.18) cannot pool protocol-level prepared statements, which pgjdbc
# uses after a statement's fifth run; trixie's (1.24) can (max_prepared_statements). So it comes from
# the same Debian trixie root PostgreSQL runs from (postgres.sh): the root's own apt downloads
# pgbouncer and the two libraries the root lacks, and dpkg -x unpacks them into it (no maintainer
# scripts, so no system service is set up). PgBouncer runs chrooted into that root as its postgres
# user, like the server, with its configuration beside the instance's cluster:
#   <root>/var/lib/kyoyu/instances/<instance id>/pgbouncer/
# It listens on 127.0.0.1:KYOYU_PGBOUNCER_PORT only, logs clients in with SCRAM against the
# instance's generated password, and reaches the server over TCP with the same password. Every
# database name maps to the same-named database of the primary, so the test databases pass through too.
set -euo pipefail

# shellcheck source=deploy/local/lib.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

PG_ROOT="$KYOYU_CACHE/postgres/root"
BOUNCER_BIN=/usr/sbin/pgbouncer
# What trixie's pgbouncer links against beyond the root PostgreSQL was bootstrapped with.
BOUNCER_PACKAGES=(pgbouncer libcares2 libevent-2.1-7t64)
BOUNCER_DIR="/var/lib/kyoyu/instances/$KYOYU_INSTANCE/pgbouncer" # inside the root
BOUNCER_INI="$BOUNCER_DIR/pgbouncer.ini"                          # its path in the command line marks the process as ours
BOUNCER_PID="$KYOYU_RUN/pgbouncer.pid"
BOUNCER_LOG="$KYOYU_LOGS/pgbouncer.log"
READY_SECONDS=20

usage() {
  say "usage: $0 install|start|stop|kill|status|pid|url|show WHAT (pools, stats, clients, servers, config, …)"
  exit 2
}

require_root() {
  ((EUID == 0)) || die "pgbouncer.sh needs root (chroot); run it as root or with sudo"
}

pg_ids() {
  awk -F: '$1 == "postgres" { print $3 ":" $4 }' "$PG_ROOT/etc/passwd"
}

as_postgres() {
  local ids
  ids=$(pg_ids)
  chroot --userspec="$ids" --groups="${ids#*:}" "$PG_ROOT" /usr/bin/env -i HOME=/var/lib/postgresql LANG=C.UTF-8 "$@"
}

# --- install -----------------------------------------------------------------------------------

installed() {
  [[ -x $PG_ROOT$BOUNCER_BIN ]] && chroot "$PG_ROOT" "$BOUNCER_BIN" --version >/dev/null 2>&1
}

cmd_install() {
  installed && return 0
  require_root
  [[ -x $PG_ROOT/usr/bin/apt-get ]] || "$KYOYU_REPO/deploy/local/postgres.sh" install
  with_lock "$KYOYU_CACHE/postgres.lock" install_packages
}

# Under the root's lock (postgres.sh holds it while bootstrapping). The root's package lists may be
# older than the mirror; the download is tried again after an update. The files are unpacked over
# the root last, so an interrupted install leaves at most a binary that does not run yet.
install_packages() {
  installed && return 0
  local log="$KYOYU_LOGS/pgbouncer-install.log" debs=/var/cache/kyoyu-pgbouncer
  say "installing PgBouncer (Debian trixie) into $PG_ROOT…"
  rm -rf "${PG_ROOT:?}$debs"
  mkdir -p "$PG_ROOT$debs"
  # Host DNS settings may have changed since the root was bootstrapped.
  cp -L /etc/resolv.conf "$PG_ROOT/etc/resolv.conf" 2>/dev/null || true
  download() { chroot "$PG_ROOT" /bin/sh -c "cd $debs && apt-get download -q ${BOUNCER_PACKAGES[*]}" >>"$log" 2>&1; }
  if ! download; then
    chroot "$PG_ROOT" apt-get update -q >>"$log" 2>&1 || true
    download || { show_log_tail "$log"; die "apt-get download ${BOUNCER_PACKAGES[*]} in the trixie root failed (log: $log)"; }
  fi
  chroot "$PG_ROOT" /bin/sh -c "for deb in $debs/*.deb; do dpkg -x \"\$deb\" /; done" >>"$log" 2>&1 ||
    { show_log_tail "$log"; die "unpacking PgBouncer failed (log: $log)"; }
  rm -rf "${PG_ROOT:?}$debs"
  installed || die "PgBouncer was unpacked but does not run: $(chroot "$PG_ROOT" "$BOUNCER_BIN" --version 2>&1 | head -n 3)"
  say "installed $(chroot "$PG_ROOT" "$BOUNCER_BIN" --version | head -n 1)"
}

# --- configuration -----------------------------------------------------------------------------

# Rewritten on every start, so a changed port or password simply takes effect.
#  - pool_mode transaction: a server connection belongs to a client for one transaction only.
#  - max_prepared_statements: pgjdbc's named statements are re-prepared on whichever server
#    connection runs them (protocol level); pgjdbc's own prepareThreshold stays at its default.
#  - ignore_startup_parameters: pgjdbc sends extra_float_digits at login; PgBouncer would refuse it.
#  - track_extra_parameters: the session settings PgBouncer carries from one server connection to
#    the next besides its defaults (DateStyle, TimeZone, client_encoding, application_name, …).
#  - server_idle_timeout: a server connection idle this long closes, so connections of a dropped
#    test database or a quiet service go back to PostgreSQL (max_connections 200) soon.
write_config() {
  local dir="$PG_ROOT$BOUNCER_DIR" ids
  ids=$(pg_ids)
  mkdir -p "$dir"
  cat >"$dir/pgbouncer.ini" <<EOF
; Written by deploy/local/pgbouncer.sh on every start: change deploy/local/env.sh instead.
[databases]
* = host=127.0.0.1 port=$KYOYU_PG_PORT

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $KYOYU_PGBOUNCER_PORT
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $BOUNCER_DIR/userlist.txt
admin_users = $KYOYU_PG_USER
pool_mode = transaction
max_prepared_statements = 200
ignore_startup_parameters = extra_float_digits
track_extra_parameters = IntervalStyle, search_path
max_client_conn = 2000
default_pool_size = 20
reserve_pool_size = 5
max_db_connections = 60
server_idle_timeout = 30
server_login_retry = 1
query_wait_timeout = 30
log_connections = 0
log_disconnections = 0
EOF
  # PgBouncer logs clients in and itself into the server with this password (SCRAM both ways).
  (umask 077 && printf '"%s" "%s"\n' "$KYOYU_PG_USER" "${KYOYU_PG_PASSWORD//\"/\"\"}" >"$dir/userlist.txt")
  # For `show`: psql logs in to the admin console with the password from this file, never a command line.
  (umask 077 && printf '127.0.0.1:%s:pgbouncer:%s:%s\n' "$KYOYU_PGBOUNCER_PORT" "$KYOYU_PG_USER" \
    "$(printf %s "$KYOYU_PG_PASSWORD" | sed 's/[\\:]/\\&/g')" >"$dir/pgpass")
  chown -R "$ids" "$dir"
  chmod 700 "$dir"
}

# --- run ---------------------------------------------------------------------------------------

running_pid() { owned_pid "$BOUNCER_PID" "$BOUNCER_INI"; }

# The URL the services use instead of the primary's.
cmd_url() {
  say "jdbc:postgresql://127.0.0.1:$KYOYU_PGBOUNCER_PORT/kyoyu"
}

cmd_start() {
  local pid ids
  if pid=$(running_pid); then
    say "pgbouncer: already running (pid $pid, port $KYOYU_PGBOUNCER_PORT)"
    return 0
  fi
  require_root
  cmd_install
  require_free_port pgbouncer "$KYOYU_PGBOUNCER_PORT"
  write_config
  ids=$(pg_ids)
  # Foreground (no -d): the launcher's wrapper keeps its pid; chroot and env exec, so it is pgbouncer's own.
  start_detached "$BOUNCER_PID" "$BOUNCER_LOG" chroot --userspec="$ids" --groups="${ids#*:}" "$PG_ROOT" \
    /usr/bin/env -i HOME=/var/lib/postgresql LANG=C.UTF-8 "$BOUNCER_BIN" "$BOUNCER_INI"
  pid=$(<"$BOUNCER_PID")
  if ! wait_ready pgbouncer "$READY_SECONDS" "$pid" port_open "$KYOYU_PGBOUNCER_PORT"; then
    show_log_tail "$BOUNCER_LOG"
    die "pgbouncer did not listen on port $KYOYU_PGBOUNCER_PORT (log: $BOUNCER_LOG)"
  fi
  say "pgbouncer: started (pid $pid, transaction mode, 127.0.0.1:$KYOYU_PGBOUNCER_PORT -> 127.0.0.1:$KYOYU_PG_PORT)"
}

# SIGINT is PgBouncer's safe shutdown: no new transactions, and it exits once the ones under way have ended
# (SIGTERM would wait for every client to disconnect). A second SIGINT shuts it down at once.
cmd_stop() {
  local pid i
  pid=$(running_pid) || { say "pgbouncer: not running"; return 0; }
  kill -INT "$pid" 2>/dev/null || true
  for ((i = 0; i < 300; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "pgbouncer: transactions still open after 30 s; shutting down at once"
    kill -INT "$pid" 2>/dev/null || true
    stop_pid pgbouncer "$pid"
  fi
  rm -f "$BOUNCER_PID"
  say "pgbouncer: stopped (was pid $pid)"
}

cmd_kill() { kill_running pgbouncer "$BOUNCER_PID"; }

cmd_status() {
  status_running pgbouncer "127.0.0.1:$KYOYU_PGBOUNCER_PORT, transaction mode, log $BOUNCER_LOG"
}

cmd_pid() { running_pid || exit 3; }

# SHOW WHAT on PgBouncer's admin console (database pgbouncer), tab-separated with a header line, by the root's
# psql: pgjdbc cannot talk to the console (it sends extra_float_digits, which the console refuses).
cmd_show() {
  local what=${1:-}
  [[ $what =~ ^[A-Za-z_]+$ ]] || die "usage: $0 show WHAT (pools, stats, clients, servers, config, …)"
  running_pid >/dev/null || die "pgbouncer is not running"
  require_root
  as_postgres PGPASSFILE="$BOUNCER_DIR/pgpass" /usr/bin/psql -X -A -F $'\t' -P footer=off \
    -h 127.0.0.1 -p "$KYOYU_PGBOUNCER_PORT" -U "$KYOYU_PG_USER" -d pgbouncer -c "SHOW $what"
}

run_command "$@"
