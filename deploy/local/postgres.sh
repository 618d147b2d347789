#!/usr/bin/env bash
# PostgreSQL 17 + TimescaleDB + pgvector for the local stack:
#   install | start | stop | kill | status | pid | backup FILE | restore FILE | purge
#
# The host may be Debian bookworm, which has no PostgreSQL 17 with these extensions, so we
# debootstrap a Debian trixie root that has them and run the server chrooted into it as that root's
# own postgres user, on a loopback port. No /proc or /dev/shm is mounted in the root: nothing ever
# needs unmounting, and PostgreSQL manages without them (see kyoyu.conf).
#
# The root (~700 MB) is shared by every instance ($KYOYU_CACHE); each instance has its own cluster
# inside it, /var/lib/kyoyu/instances/<instance id>/, because a chrooted server only sees the root.
# Several clusters run side by side: each has its own data directory, port and socket name.
set -euo pipefail

# shellcheck source=deploy/local/lib.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

PG_MAJOR=17
PG_ROOT="$KYOYU_CACHE/postgres/root"
PG_BIN="/usr/lib/postgresql/$PG_MAJOR/bin"
PG_INSTANCES="/var/lib/kyoyu/instances" # paths inside the root: the chrooted server sees only those
PG_CLUSTER="$PG_INSTANCES/$KYOYU_INSTANCE"
PG_DATA="$PG_CLUSTER/pgdata"
PG_LOG="$PG_CLUSTER/postgres.log"
PG_DATABASE=kyoyu
PG_PACKAGES="postgresql-$PG_MAJOR,postgresql-$PG_MAJOR-timescaledb,postgresql-$PG_MAJOR-pgvector"

usage() {
  say "usage: $0 install|start|stop|kill|status|pid|backup FILE|restore FILE|purge"
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

install_root() {
  installed && return 0
  require_root
  with_lock "$KYOYU_CACHE/postgres.lock" bootstrap_root
}

# Bootstraps into a side directory and renames it when complete, so an interrupted install never
# looks installed. Runs under the cache lock; another instance may have finished meanwhile.
bootstrap_root() {
  installed && return 0
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

# Clusters of instances whose directory is gone (a test run killed before it could clean up).
# Only instances inside this checkout's .kyoyu/instances are judged: a path elsewhere may be on a
# disk that is not mounted right now, and a moved checkout must never lose its clusters.
prune_orphaned_clusters() {
  local dir owner
  for dir in "$PG_ROOT$PG_INSTANCES"/*/; do
    [[ -r $dir/owner ]] || continue
    owner=$(<"$dir/owner")
    [[ $owner == "$KYOYU_REPO/.kyoyu/instances/"* && ! -d $owner ]] || continue
    [[ -s $dir/pgdata/postmaster.pid ]] && kill -0 "$(head -n 1 "$dir/pgdata/postmaster.pid")" 2>/dev/null && continue
    rm -rf "${dir:?}"
    say "postgres: removed the cluster of the deleted instance $owner"
  done
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

# Over the Unix socket inside the root, which only the root's postgres user (and root) may open, so the
# scripts need no password; every TCP login gives one (pg_hba.conf).
psql_admin() {
  as_postgres psql -X -q -h /tmp -p "$KYOYU_PG_PORT" -U "$KYOYU_PG_USER" -v ON_ERROR_STOP=1 "$@"
}

# The role's password is the instance's generated secret (env.sh), set on every start: a cluster made
# with an older or a fixed password takes it on, and a changed KYOYU_PG_PASSWORD simply takes effect.
# Sent on stdin, never on a command line.
set_role_password() {
  printf "ALTER ROLE \"%s\" PASSWORD '%s';\n" "$KYOYU_PG_USER" "${KYOYU_PG_PASSWORD//\'/\'\'}" |
    psql_admin -d postgres >/dev/null
}

# --- cluster -----------------------------------------------------------------------------------

# The owner file names the instance a cluster belongs to, for prune_orphaned_clusters.
init_cluster() {
  [[ -f $PG_ROOT$PG_DATA/PG_VERSION ]] && return 0
  local ids
  ids=$(pg_ids)
  rm -rf "${PG_ROOT:?}$PG_DATA"
  mkdir -p "$PG_ROOT$PG_DATA" "$(dirname "$PG_ROOT$PG_LOG")"
  printf '%s\n' "$KYOYU_HOME" >"$PG_ROOT$PG_CLUSTER/owner"
  chown "$ids" "$PG_ROOT$PG_DATA" "$(dirname "$PG_ROOT$PG_LOG")"
  chmod 700 "$PG_ROOT$PG_DATA"
  say "initialising the cluster in $PG_ROOT$PG_DATA…"
  # --no-sync: a development cluster; skipping the fsync of every new file saves seconds per instance.
  if ! as_postgres initdb -D "$PG_DATA" -U "$KYOYU_PG_USER" --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync \
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
# The socket trusts who opens it (pg_hba.conf): only the root's postgres user, and root, may.
unix_socket_permissions = 0700
shared_preload_libraries = 'timescaledb'
timescaledb.telemetry_level = off
max_connections = 200
shared_buffers = $KYOYU_PG_SHARED_BUFFERS
# /dev/shm is not mounted in the root, so dynamic shared memory uses System V segments.
dynamic_shared_memory_type = sysv
# A streaming replica attaches to this server later.
wal_level = replica
max_wal_senders = 5
EOF
  cat >"$hba" <<'EOF'
# Written by deploy/local/postgres.sh on every start.
# The Unix socket (mode 0700: the root's postgres user and root only) is trusted; the local scripts and
# the streaming replica use it. Every TCP connection logs in with the role's password (SCRAM).
# TYPE  DATABASE     USER  ADDRESS       METHOD
local   all          all                 trust
local   replication  all                 trust
host    all          all   127.0.0.1/32  scram-sha-256
host    replication  all   127.0.0.1/32  scram-sha-256
EOF
  chown "$(pg_ids)" "$conf" "$hba"
}

# Prints the postmaster's pid when it runs inside our root from this instance's data directory
# (the pid file is the instance's; /proc/PID/root proves the process is chrooted into our root, so a
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
  rm -f "$KYOYU_MIGRATED_STAMP"
  say "created database $PG_DATABASE"
}

# --- commands ----------------------------------------------------------------------------------

cmd_install() {
  install_root
}

cmd_start() {
  local pid
  if pid=$(running_pid); then
    say "postgres: already running (pid $pid, port $(running_port))"
    set_role_password
    ensure_database
    return 0
  fi
  require_root
  install_root
  with_lock "$KYOYU_CACHE/postgres.lock" prune_orphaned_clusters
  init_cluster
  # The server writes its log inside the root; this link puts it beside the others.
  ln -sfn "$PG_ROOT$PG_LOG" "$KYOYU_LOGS/postgres.log"
  write_config
  require_free_port postgres "$KYOYU_PG_PORT"
  local started=$SECONDS
  if ! as_postgres pg_ctl -D "$PG_DATA" -l "$PG_LOG" -w -t 60 start >/dev/null; then
    show_log_tail "$PG_ROOT$PG_LOG"
    die "postgres did not start (log: $KYOYU_LOGS/postgres.log)"
  fi
  set_role_password
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

# Immediate shutdown: the postmaster and its backends stop at once, without a checkpoint, and the
# next start runs crash recovery. This is the crash drill for PostgreSQL; SIGKILL to the postmaster
# alone would leave orphaned backends holding its shared memory.
cmd_kill() {
  local pid
  if ! pid=$(running_pid); then
    say "postgres: not running"
    return 0
  fi
  require_root
  as_postgres pg_ctl -D "$PG_DATA" -m immediate -w -t 30 stop >/dev/null
  say "postgres: killed, immediate mode (was pid $pid)"
}

cmd_pid() {
  running_pid || exit 3
}

# pg_dump warns of circular foreign keys in TimescaleDB's own catalog tables (hypertable, chunk,
# continuous_agg), four lines each; TimescaleDB documents them as harmless for a full dump, so they
# are dropped here and every other message is passed on.
without_catalog_cycle_warnings() {
  awk '
    /^pg_dump: warning: there are circular foreign-key constraints on this table:$/ { held = $0; next }
    held != "" && /^pg_dump: detail: (hypertable|chunk|continuous_agg)$/ { held = ""; skip = 2; next }
    held != "" { print held; held = "" }
    skip > 0 && /^pg_dump: hint: / { skip--; next }
    { skip = 0; print }
    END { if (held != "") print held }'
}

# A logical backup of the kyoyu database with the root's own pg_dump (the host's may be older than
# the server, and pg_dump refuses to dump a newer server). Custom format, for pg_restore. Written
# beside the target and renamed when complete, so a failed dump never looks like a backup.
cmd_backup() {
  local file=${1:-}
  [[ -n $file ]] || die "usage: $0 backup FILE"
  running_pid >/dev/null || die "postgres is not running; start it first"
  require_root
  if ! as_postgres pg_dump -Fc -h /tmp -p "$KYOYU_PG_PORT" -U "$KYOYU_PG_USER" -d "$PG_DATABASE" \
    >"$file.partial" 2> >(without_catalog_cycle_warnings >&2); then
    rm -f "$file.partial"
    die "pg_dump failed"
  fi
  mv "$file.partial" "$file"
  say "postgres: backed up database $PG_DATABASE to $file ($(du -h "$file" | cut -f1))"
}

# Replaces the kyoyu database with the backup in FILE, following TimescaleDB's procedure for
# pg_dump/pg_restore: a new database, the extension created first, timescaledb_pre_restore() (stops
# its background workers and sets timescaledb.restoring), pg_restore, timescaledb_post_restore().
# Clients are disconnected (DROP … WITH (FORCE)); stop the sink workers first so that nothing writes
# into the half-restored database. sink_offsets is restored with the rows, so a sink started after
# the restore reads the missing tail from Kafka again by itself.
cmd_restore() {
  local file=${1:-} status=0
  [[ -n $file ]] || die "usage: $0 restore FILE"
  [[ -r $file ]] || die "no readable backup at $file"
  running_pid >/dev/null || die "postgres is not running; start it first"
  require_root
  psql_admin -d postgres -c "DROP DATABASE IF EXISTS $PG_DATABASE WITH (FORCE)"
  psql_admin -d postgres -c "CREATE DATABASE $PG_DATABASE OWNER $KYOYU_PG_USER"
  psql_admin -d "$PG_DATABASE" -tA -c "CREATE EXTENSION IF NOT EXISTS timescaledb" \
    -c "SELECT timescaledb_pre_restore()" >/dev/null
  # stdin is the host's file, opened before chroot: the backup need not be inside the root.
  as_postgres pg_restore -h /tmp -p "$KYOYU_PG_PORT" -U "$KYOYU_PG_USER" -d "$PG_DATABASE" \
    --exit-on-error <"$file" || status=$?
  psql_admin -d "$PG_DATABASE" -tA -c "SELECT timescaledb_post_restore()" >/dev/null
  rm -f "$KYOYU_MIGRATED_STAMP" # the backup may predate the newest migrations
  ((status == 0)) || die "pg_restore failed (exit status $status); the database $PG_DATABASE is incomplete"
  say "postgres: restored database $PG_DATABASE from $file"
}

# Deletes this instance's cluster from the shared root (for ./kyoyu destroy).
cmd_purge() {
  if running_pid >/dev/null; then
    cmd_stop
  fi
  require_root
  rm -rf "${PG_ROOT:?}${PG_CLUSTER:?}"
  rm -f "$KYOYU_LOGS/postgres.log"
  say "postgres: deleted the cluster $PG_ROOT$PG_CLUSTER"
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

run_command "$@"
