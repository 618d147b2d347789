#!/usr/bin/env bash
# A PostgreSQL 17 streaming replica of the local primary, for query-api's replica reads:
#   start | stop | kill | status | pid | purge
#
# The replica is a hot standby made with pg_basebackup -R from the running primary (postgres.sh),
# by the PostgreSQL binaries of the primary's own Debian trixie root, run chrooted into that root as
# its postgres user, with its data directory beside the primary's cluster:
#   <root>/var/lib/kyoyu/instances/<instance id>/<name>      (name: KYOYU_PG_REPLICA_NAME, "replica")
# on its own loopback port (KYOYU_PG_REPLICA_PORT, default KYOYU_PG_PORT + 1). It streams from the
# primary without a replication slot, so a replica left stopped never makes the primary keep WAL;
# when it has fallen so far behind that the primary no longer has the WAL it needs, `start` makes a
# fresh copy. Several replicas of one primary run side by side under different names and ports (a
# test takes its own, so it never stops a developer's).
#
# A streaming replica copies the whole cluster: every database of the primary, tests' included.
set -euo pipefail

# shellcheck source=deploy/local/lib.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

PG_BIN="/usr/lib/postgresql/17/bin"
REPLICA_NAME="${KYOYU_PG_REPLICA_NAME:-replica}"
# Its default is in env.sh (sourced by lib.sh), the one place for the local stack's defaults.
REPLICA_PORT="$KYOYU_PG_REPLICA_PORT"
# The replica only serves reads; it needs far less cache than the primary's default.
REPLICA_SHARED_BUFFERS="${KYOYU_PG_REPLICA_SHARED_BUFFERS:-128MB}"
READY_SECONDS=120
STREAMING_SECONDS=30

[[ $REPLICA_NAME =~ ^[a-z][a-z0-9_-]{0,39}$ ]] ||
  die "KYOYU_PG_REPLICA_NAME='$REPLICA_NAME' must be a lower-case name ([a-z][a-z0-9_-]*, at most 40 characters)"
[[ $REPLICA_NAME != pgdata ]] || die "KYOYU_PG_REPLICA_NAME must not be 'pgdata' (the primary's directory)"
if ! [[ $REPLICA_PORT =~ ^[0-9]{1,5}$ ]] || ((REPLICA_PORT == 0 || REPLICA_PORT > 65535)); then
  die "KYOYU_PG_REPLICA_PORT='$REPLICA_PORT' is not a port"
fi
[[ $REPLICA_PORT != "$KYOYU_PG_PORT" ]] || die "KYOYU_PG_REPLICA_PORT must differ from KYOYU_PG_PORT ($KYOYU_PG_PORT)"

# Ours, under KYOYU_HOME: the postmaster's pid, and where the replica was last started (its root
# and data directory), so stop and status find it even when the primary is gone or has moved.
PIDFILE="$KYOYU_RUN/$REPLICA_NAME.pid"
WHEREFILE="$KYOYU_RUN/$REPLICA_NAME.where"
LOCKFILE="$KYOYU_RUN/$REPLICA_NAME.lock"
LOG_LINK="$KYOYU_LOGS/$REPLICA_NAME.log"

# Paths inside the root (the chrooted server sees only those).
CLUSTER_DIR="/var/lib/kyoyu/instances/$KYOYU_INSTANCE"
DATA="$CLUSTER_DIR/$REPLICA_NAME"
LOG="$CLUSTER_DIR/$REPLICA_NAME.log"

usage() {
  say "usage: $0 start|stop|kill|status|pid|purge"
  say "  KYOYU_PG_REPLICA_PORT (default KYOYU_PG_PORT+1), KYOYU_PG_REPLICA_NAME (default replica),"
  say "  KYOYU_PG_REPLICA_SHARED_BUFFERS (default 128MB)"
  exit 2
}

require_root() {
  ((EUID == 0)) || die "replica.sh needs root (chroot); run it as root or with sudo"
}

# --- the primary -------------------------------------------------------------------------------

# The primary's postmaster pid, as postgres.sh proves it ours.
primary_pid() {
  "$KYOYU_REPO/deploy/local/postgres.sh" pid 2>/dev/null
}

# The root the primary runs in: the replica uses the same binaries and lives beside its cluster.
primary_root() {
  readlink "/proc/$1/root"
}

# --- running commands inside a root ------------------------------------------------------------

# Numeric ids of the root's postgres user: the host may map those numbers to another name.
pg_ids() {
  awk -F: '$1 == "postgres" { print $3 ":" $4 }' "$1/etc/passwd"
}

# as_postgres ROOT COMMAND…: runs a command inside the root as its postgres user, clean environment.
as_postgres() {
  local root=$1 ids
  shift
  ids=$(pg_ids "$root")
  chroot --userspec="$ids" --groups="${ids#*:}" "$root" /usr/bin/env -i \
    HOME=/var/lib/postgresql LANG=C.UTF-8 PATH="$PG_BIN:/usr/bin:/bin" "$@"
}

# psql_at ROOT PORT SQL: one query, unaligned, tuples only, against the postgres database.
psql_at() {
  as_postgres "$1" psql -X -q -At -h /tmp -p "$2" -U "$KYOYU_PG_USER" -d postgres -v ON_ERROR_STOP=1 -c "$3"
}

# --- where the replica is ----------------------------------------------------------------------

# Prints line $1 of the where file (1 root, 2 data directory, 3 port); nothing before a first start.
recorded() {
  [[ ! -r $WHEREFILE ]] || sed -n "${1}p" "$WHEREFILE"
}

# Prints the replica's postmaster pid when it runs: the pid in our pid file, alive, chrooted into
# the recorded root (/proc/PID/root) and started on the recorded data directory. A recycled pid, or
# any other PostgreSQL on the host, never passes.
running_pid() {
  local pid root data cmdline
  [[ -s $PIDFILE ]] || return 1
  pid=$(<"$PIDFILE")
  root=$(recorded 1) data=$(recorded 2)
  [[ $pid =~ ^[0-9]+$ && -n $root && -n $data && -e /proc/$pid ]] || return 1
  [[ $(readlink "/proc/$pid/root" 2>/dev/null) == "$root" ]] || return 1
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmdline == *" -D $data "* ]] || return 1
  printf '%s\n' "$pid"
}

# --- the copy ----------------------------------------------------------------------------------

# True when ROOT holds a complete standby copy made from the running primary: pg_basebackup -R wrote
# standby.signal, and the copy's system identifier is the primary's (a primary initialised anew,
# e.g. after ./kyoyu destroy, has another one and needs another copy).
usable_copy() {
  local root=$1 mine theirs
  [[ -f $root$DATA/PG_VERSION && -f $root$DATA/standby.signal ]] || return 1
  # Streams over the primary's Unix socket; a copy that streamed over TCP (no password) is made again.
  # (pg_basebackup -R quotes the value: host=''/tmp'')
  grep -Eq "host=('')?/tmp('')? " "$root$DATA/postgresql.auto.conf" 2>/dev/null || return 1
  mine=$(as_postgres "$root" pg_controldata -D "$DATA" | sed -n 's/^Database system identifier: *//p')
  theirs=$(psql_at "$root" "$KYOYU_PG_PORT" "SELECT system_identifier FROM pg_control_system()")
  [[ -n $mine && $mine == "$theirs" ]]
}

# pg_basebackup -R (standby.signal and primary_conninfo) into a side directory, renamed when
# complete, so an interrupted copy never looks usable. -X stream brings the WAL written during the
# copy; a fast checkpoint starts it at once. --no-sync: a development copy that can always be made
# again; skipping the fsync of every file saves most of the time on a large cluster.
make_copy() {
  local root=$1 partial="$DATA.partial" started=$SECONDS ids
  ids=$(pg_ids "$root")
  rm -rf "${root:?}$partial" "${root:?}$DATA"
  mkdir -p "$root$partial"
  chown "$ids" "$root$CLUSTER_DIR" "$root$partial"
  chmod 700 "$root$partial"
  say "$REPLICA_NAME: copying the primary (127.0.0.1:$KYOYU_PG_PORT) into $root$DATA…"
  if ! as_postgres "$root" pg_basebackup -D "$partial" -R -X stream -c fast --no-sync \
    -d "host=/tmp port=$KYOYU_PG_PORT user=$KYOYU_PG_USER application_name=$REPLICA_NAME" \
    >"$KYOYU_LOGS/$REPLICA_NAME-basebackup.log" 2>&1; then
    show_log_tail "$KYOYU_LOGS/$REPLICA_NAME-basebackup.log"
    rm -rf "${root:?}$partial"
    die "pg_basebackup failed (log: $KYOYU_LOGS/$REPLICA_NAME-basebackup.log)"
  fi
  mv "$root$partial" "$root$DATA"
  # Our settings follow the primary's (postgresql.conf includes kyoyu.conf) and override them.
  printf "\ninclude_if_exists = 'replica.conf'\n" >>"$root$DATA/postgresql.conf"
  say "$REPLICA_NAME: copied in $((SECONDS - started)) s ($(du -sh "$root$DATA" | cut -f1))"
}

# Rewritten on every start, so a changed port simply takes effect. Settings a hot standby must share
# with its primary (max_connections, shared_preload_libraries, …) come from the copied kyoyu.conf.
write_config() {
  local root=$1 conf="$1$DATA/replica.conf"
  cat >"$conf" <<EOF
# Written by deploy/local/replica.sh on every start of the replica '$REPLICA_NAME'.
port = $REPLICA_PORT
listen_addresses = '127.0.0.1'
cluster_name = 'kyoyu-$REPLICA_NAME'
shared_buffers = $REPLICA_SHARED_BUFFERS
hot_standby = on
# Reports the oldest snapshot in use here to the primary, so that vacuum there does not remove rows
# a running query here still reads (which would cancel the query with a recovery conflict).
hot_standby_feedback = on
EOF
  chown "$(pg_ids "$root")" "$conf"
}

# True once the WAL receiver streams from the primary.
streaming() {
  [[ $(psql_at "$1" "$REPLICA_PORT" "SELECT status FROM pg_stat_wal_receiver") == streaming ]]
}

# The primary recycles WAL that no replica holds a slot for: a replica stopped for long can no
# longer catch up and says so in its log.
missing_wal() {
  grep -q 'requested WAL segment .* has already been removed' "$1$LOG" 2>/dev/null
}

# Starts the server on the copy and waits until it accepts connections (pg_ctl -w: consistent, hot
# standby open) and streams. Returns 2 when the copy is too old to catch up, 1 when it does not stream
# for another reason; either way the server is stopped again.
launch() {
  local root=$1 deadline started=0
  : >"$root$LOG.new" && mv "$root$LOG.new" "$root$LOG" # this run's messages only, for missing_wal
  chown "$(pg_ids "$root")" "$root$LOG"
  # 9>&-: the server must not inherit with_lock's lock, or it would hold it for as long as it runs.
  as_postgres "$root" pg_ctl -D "$DATA" -l "$LOG" -w -t "$READY_SECONDS" start >/dev/null 9>&- && started=1
  # pg_ctl may give up waiting while the server runs on: record its pid either way, so we can stop it.
  if [[ -s $root$DATA/postmaster.pid ]]; then
    head -n 1 "$root$DATA/postmaster.pid" >"$PIDFILE.new" && mv "$PIDFILE.new" "$PIDFILE"
  fi
  deadline=$((SECONDS + STREAMING_SECONDS))
  until ((started)) && streaming "$root" 2>/dev/null; do
    if missing_wal "$root"; then
      stop_server
      return 2
    fi
    if ((!started || SECONDS >= deadline)); then
      show_log_tail "$root$LOG"
      say "$REPLICA_NAME: did not come up streaming from the primary (log: $LOG_LINK)" >&2
      stop_server
      return 1
    fi
    sleep 0.5
  done
}

# A replica started before from another root (the primary has moved, e.g. out of a pre-instance
# layout) leaves a copy there that nothing will use again.
forget_other_copy() {
  local root=$1 old_root old_data
  old_root=$(recorded 1) old_data=$(recorded 2)
  [[ -n $old_root && -n $old_data && ($old_root != "$root" || $old_data != "$DATA") ]] || return 0
  [[ -d $old_root$old_data ]] || return 0
  rm -rf "${old_root:?}${old_data:?}" "${old_root:?}${old_data:?}.log"
  say "$REPLICA_NAME: removed the copy left at $old_root$old_data"
}

start_locked() {
  local pid root status=0
  if pid=$(running_pid); then
    say "$REPLICA_NAME: already running (pid $pid, port $(recorded 3))"
    return 0
  fi
  require_root
  pid=$(primary_pid) || die "postgres is not running; start it first (./kyoyu start postgres)"
  root=$(primary_root "$pid")
  [[ -x $root$PG_BIN/pg_basebackup ]] || die "no PostgreSQL 17 in the primary's root $root"
  require_free_port "$REPLICA_NAME" "$REPLICA_PORT"
  forget_other_copy "$root"
  printf '%s\n%s\n%s\n' "$root" "$DATA" "$REPLICA_PORT" >"$WHEREFILE.new" && mv "$WHEREFILE.new" "$WHEREFILE"
  # The server writes its log inside the root; this link puts it beside the others.
  ln -sfn "$root$LOG" "$LOG_LINK"
  local started=$SECONDS
  usable_copy "$root" || make_copy "$root"
  write_config "$root"
  launch "$root" || status=$?
  if ((status == 2)); then
    say "$REPLICA_NAME: the primary no longer has the WAL this copy needs; making a fresh copy"
    make_copy "$root"
    write_config "$root"
    status=0
    launch "$root" || status=$?
  fi
  ((status == 0)) || die "$REPLICA_NAME did not start streaming"
  say "$REPLICA_NAME: started in $((SECONDS - started)) s (pid $(running_pid), port $REPLICA_PORT, streaming from port $KYOYU_PG_PORT)"
  say "  query-api reads from it with KYOYU_QUERY_REPLICA_URLS=jdbc:postgresql://127.0.0.1:$REPLICA_PORT/kyoyu"
}

# Fast shutdown by our own pid (SIGINT: open queries are cancelled, the server exits at once);
# immediate shutdown (SIGQUIT) if it takes longer than 30 s. Never SIGKILL: that would leave the
# postmaster's children holding its shared memory.
stop_server() {
  local pid i
  pid=$(running_pid) || return 0
  kill -INT "$pid" 2>/dev/null || true
  for ((i = 0; i < 300; i++)); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$PIDFILE"; return 0; }
    sleep 0.1
  done
  say "$REPLICA_NAME did not stop within 30 s; immediate shutdown"
  kill -QUIT "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  rm -f "$PIDFILE"
}

# --- commands ----------------------------------------------------------------------------------

cmd_start() {
  with_lock "$LOCKFILE" start_locked
}

cmd_stop() {
  local pid
  if ! pid=$(running_pid); then
    say "$REPLICA_NAME: not running"
    return 0
  fi
  with_lock "$LOCKFILE" stop_server
  say "$REPLICA_NAME: stopped (was pid $pid)"
}

# Immediate shutdown (SIGQUIT to our postmaster): the crash drill; the next start recovers.
cmd_kill() {
  local pid i
  if ! pid=$(running_pid); then
    say "$REPLICA_NAME: not running"
    return 0
  fi
  kill -QUIT "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  rm -f "$PIDFILE"
  say "$REPLICA_NAME: killed, immediate mode (was pid $pid)"
}

cmd_pid() {
  running_pid || exit 3
}

# Exit status 3 when stopped, like postgres.sh.
cmd_status() {
  local pid root state
  if ! pid=$(running_pid); then
    say "$REPLICA_NAME: stopped"
    exit 3
  fi
  root=$(recorded 1)
  # Lag 0 when everything received is replayed; otherwise the age of the last replayed commit.
  state=$(psql_at "$root" "$(recorded 3)" "SELECT coalesce((SELECT status FROM pg_stat_wal_receiver), 'not connected')
      || ', replay lag ' || CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN '0'
         ELSE coalesce(round(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 1)::text, 'unknown') END || ' s'" \
    2>/dev/null) || state="not answering"
  say "$REPLICA_NAME: running (pid $pid, port $(recorded 3), $state, log $LOG_LINK)"
}

# Deletes the replica's copy (stopping it first).
cmd_purge() {
  local root data
  require_root
  with_lock "$LOCKFILE" stop_server
  root=$(recorded 1) data=$(recorded 2)
  if [[ -n $root && -n $data ]]; then
    rm -rf "${root:?}${data:?}" "${root:?}${data:?}.partial" "${root:?}${data:?}.log"
  fi
  rm -f "$WHEREFILE" "$PIDFILE" "$LOCKFILE" "$LOG_LINK" "$KYOYU_LOGS/$REPLICA_NAME-basebackup.log"
  say "$REPLICA_NAME: deleted${data:+ $root$data}"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  kill) cmd_kill ;;
  status) cmd_status ;;
  pid) cmd_pid ;;
  purge) cmd_purge ;;
  *) usage ;;
esac
