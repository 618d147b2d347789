#!/usr/bin/env bash
# PostgreSQL 17 + TimescaleDB + pgvector for the local stack: install | start | stop | status.
#
# The host may be Debian bookworm, which has no PostgreSQL 17 with these extensions, so we
# debootstrap a Debian trixie root under .kyoyu/ that has them and run the server chrooted into it
# as that root's own postgres user, on a loopback port. No /proc or /dev/shm is mounted in the
# root: nothing ever needs unmounting, and PostgreSQL manages without them (see kyoyu.conf).
set -euo pipefail

# shellcheck source=deploy/local/lib.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

PG_MAJOR=17
PG_ROOT="$KYOYU_HOME/postgres/root"
PG_BIN="/usr/lib/postgresql/$PG_MAJOR/bin"
PG_DATA="/var/lib/kyoyu/pgdata" # inside the root: the chrooted server can only see paths in it
PG_LOG="/var/log/kyoyu/postgres.log"
PG_DATABASE=kyoyu
PG_PACKAGES="postgresql-$PG_MAJOR,postgresql-$PG_MAJOR-timescaledb,postgresql-$PG_MAJOR-pgvector"

usage() {
  say "usage: $0 install|start|stop|status"
  exit 2
}

require_root() {
  ((EUID == 0)) || die "postgres.sh needs root (debootstrap and chroot); run it as root or with sudo"
}

# --- install -----------------------------------------------------------------------------------

installed() {
  local ext="$PG_ROOT/usr/share/postgresql/$PG_MAJOR/extension"
  [[ -x $PG_ROOT$PG_BIN/postgres && -f $ext/timescaledb.control && -f $ext/vector.control ]]
}

ensure_debootstrap() {
  command -v debootstrap >/dev/null && return 0
  say "installing debootstrap…"
  # A fresh machine may have no package lists yet; update only when the plain install fails.
  apt-get install -y -q debootstrap >/dev/null 2>&1 ||
    { apt-get update -q >/dev/null && apt-get install -y -q debootstrap >/dev/null; }
}

# A killed debootstrap can leave its /proc and /sys mounts behind; unmount before deleting so
# rm -rf never walks into the host's pseudo-filesystems.
remove_partial_root() {
  local dir=$1 mnt
  [[ -e $dir ]] || return 0
  while read -r mnt; do
    umount -l "$mnt" || true
  done < <(findmnt -rn -o TARGET | grep -F "$dir/" | sort -r)
  rm -rf "$dir"
}

# Bootstraps into a side directory and renames it when complete, so an interrupted install never
# looks installed.
install_root() {
  installed && return 0
  require_root
  ensure_debootstrap
  local partial="$PG_ROOT.partial" started=$SECONDS
  remove_partial_root "$partial"
  mkdir -p "$(dirname "$PG_ROOT")"
  say "installing PostgreSQL $PG_MAJOR + TimescaleDB + pgvector into $PG_ROOT (about a minute, ~700 MB)…"
  if ! debootstrap --variant=minbase --include="$PG_PACKAGES" trixie "$partial" "$KYOYU_DEBIAN_MIRROR" \
    >"$KYOYU_LOGS/postgres-install.log" 2>&1; then
    show_log_tail "$KYOYU_LOGS/postgres-install.log" "$partial/debootstrap/debootstrap.log"
    die "debootstrap failed (full log: $KYOYU_LOGS/postgres-install.log)"
  fi
  rm -rf "$PG_ROOT"
  mv "$partial" "$PG_ROOT"
  say "installed in $((SECONDS - started)) s"
}

# --- running commands inside the root ----------------------------------------------------------

# Numeric ids of the root's postgres user: the host may map those numbers to another name.
pg_ids() {
  awk -F: '$1 == "postgres" { print $3 ":" $4 }' "$PG_ROOT/etc/passwd"
}

# Runs a command inside the root as its postgres user, with a clean environment.
as_postgres() {
  local ids
  ids=$(pg_ids)
  chroot --userspec="$ids" --groups="${ids#*:}" "$PG_ROOT" /usr/bin/env -i \
    HOME=/var/lib/postgresql LANG=C.UTF-8 PATH="$PG_BIN:/usr/bin:/bin" "$@"
}

psql_admin() {
  as_postgres psql -X -q -h 127.0.0.1 -p "$KYOYU_PG_PORT" -U "$KYOYU_PG_USER" -v ON_ERROR_STOP=1 "$@"
}

# --- cluster -----------------------------------------------------------------------------------

init_cluster() {
  [[ -f $PG_ROOT$PG_DATA/PG_VERSION ]] && return 0
  local ids
  ids=$(pg_ids)
  rm -rf "${PG_ROOT:?}$PG_DATA"
  mkdir -p "$PG_ROOT$PG_DATA" "$(dirname "$PG_ROOT$PG_LOG")"
  chown "$ids" "$PG_ROOT$PG_DATA" "$(dirname "$PG_ROOT$PG_LOG")"
  chmod 700 "$PG_ROOT$PG_DATA"
  say "initialising the cluster in $PG_ROOT$PG_DATA…"
  if ! as_postgres initdb -D "$PG_DATA" -U "$KYOYU_PG_USER" --auth=trust -E UTF8 --locale=C.UTF-8 \
    >"$KYOYU_LOGS/postgres-initdb.log" 2>&1; then
    show_log_tail "$KYOYU_LOGS/postgres-initdb.log"
    die "initdb failed"
  fi
  # Our settings live in kyoyu.conf, rewritten on every start; postgresql.conf stays stock.
  printf "\ninclude_if_exists = 'kyoyu.conf'\n" >>"$PG_ROOT$PG_DATA/postgresql.conf"
}

# Rewritten on every start so that a changed port in the environment simply takes effect.
write_config() {
  local conf="$PG_ROOT$PG_DATA/kyoyu.conf" hba="$PG_ROOT$PG_DATA/pg_hba.conf"
  cat >"$conf" <<EOF
# Written by deploy/local/postgres.sh on every start: change deploy/local/env.sh instead.
listen_addresses = '127.0.0.1'
port = $KYOYU_PG_PORT
unix_socket_directories = '/tmp'
shared_preload_libraries = 'timescaledb'
timescaledb.telemetry_level = off
max_connections = 200
shared_buffers = 512MB
# /dev/shm is not mounted in the root, so dynamic shared memory uses System V segments.
dynamic_shared_memory_type = sysv
# A streaming replica attaches to this server later.
wal_level = replica
max_wal_senders = 5
EOF
  cat >"$hba" <<'EOF'
# Written by deploy/local/postgres.sh on every start.
# LOCAL DEVELOPMENT ONLY: every loopback connection is trusted without a password, replication
# included (the local streaming replica connects this way). Never copy this anywhere else.
# TYPE  DATABASE     USER  ADDRESS       METHOD
local   all          all                 trust
local   replication  all                 trust
host    all          all   127.0.0.1/32  trust
host    replication  all   127.0.0.1/32  trust
EOF
  chown "$(pg_ids)" "$conf" "$hba"
}

# Prints the postmaster's pid when it runs inside our root (checked through /proc/PID/root, so a
# recycled pid or another PostgreSQL on the host is never mistaken for ours).
running_pid() {
  local pidfile="$PG_ROOT$PG_DATA/postmaster.pid" pid
  [[ -r $pidfile ]] || return 1
  pid=$(head -n 1 "$pidfile")
  [[ $pid =~ ^[0-9]+$ && -e /proc/$pid ]] || return 1
  [[ $(readlink "/proc/$pid/root" 2>/dev/null) == "$(readlink -f "$PG_ROOT")" ]] || return 1
  printf '%s\n' "$pid"
}

# The port the running server really listens on (line 4 of postmaster.pid).
running_port() {
  sed -n 4p "$PG_ROOT$PG_DATA/postmaster.pid"
}

ensure_database() {
  local exists
  exists=$(psql_admin -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$PG_DATABASE'")
  [[ $exists == 1 ]] && return 0
  psql_admin -d postgres -c "CREATE DATABASE $PG_DATABASE OWNER $KYOYU_PG_USER"
  say "created database $PG_DATABASE"
}

# --- commands ----------------------------------------------------------------------------------

cmd_install() {
  install_root
}

cmd_start() {
  local pid
  # The server writes its log inside the root; this link puts it beside the others.
  ln -sfn "../postgres/root$PG_LOG" "$KYOYU_LOGS/postgres.log"
  if pid=$(running_pid); then
    say "postgres: already running (pid $pid, port $(running_port))"
    ensure_database
    return 0
  fi
  require_root
  install_root
  init_cluster
  write_config
  require_free_port postgres "$KYOYU_PG_PORT"
  local started=$SECONDS
  if ! as_postgres pg_ctl -D "$PG_DATA" -l "$PG_LOG" -w -t 60 start >/dev/null; then
    show_log_tail "$PG_ROOT$PG_LOG"
    die "postgres did not start (log: $KYOYU_LOGS/postgres.log)"
  fi
  ensure_database
  say "postgres: started in $((SECONDS - started)) s (pid $(running_pid), port $KYOYU_PG_PORT)"
}

# pg_ctl's fast mode rolls back open transactions and checkpoints. If that takes longer than 30 s,
# immediate mode stops the server without a checkpoint (crash recovery on next start) rather than
# SIGKILL, which would leave orphaned backends holding shared memory.
cmd_stop() {
  local pid
  if ! pid=$(running_pid); then
    say "postgres: not running"
    return 0
  fi
  require_root
  if ! as_postgres pg_ctl -D "$PG_DATA" -m fast -w -t 30 stop >/dev/null; then
    say "postgres did not stop within 30 s; stopping it in immediate mode"
    as_postgres pg_ctl -D "$PG_DATA" -m immediate -w -t 30 stop >/dev/null
  fi
  say "postgres: stopped (was pid $pid)"
}

cmd_status() {
  local pid
  if pid=$(running_pid); then
    say "postgres: running (pid $pid, port $(running_port), log $KYOYU_LOGS/postgres.log)"
  else
    say "postgres: stopped"
    exit 3
  fi
}

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) usage ;;
esac
