#!/usr/bin/env bash
# A real redis-server for the local stack, started only on request (`./kyoyu up --redis`, `./kyoyu
# start redis`, and by `./kyoyu test` and `./kyoyu bench`): install | start | stop | kill | status | pid.
#
# Redis holds the rate-limit buckets every replica of the APIs shares (KYOYU_REDIS_URL). It comes
# from the host's own Debian packages without installing them system-wide (that would start a
# system service on 6379): `apt-get download` fetches redis-tools (the server binary, named redis-check-rdb)
# and the two libraries a plain Debian lacks, and `dpkg -x` unpacks them into the shared cache.
# libc, libssl and libsystemd are the host's. The server binds 127.0.0.1 only, on KYOYU_REDIS_PORT;
# its data and configuration belong to the instance ($KYOYU_HOME/redis).
set -euo pipefail

# shellcheck source=deploy/local/lib.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

REDIS_ROOT="$KYOYU_CACHE/redis/root"
REDIS_BIN="$REDIS_ROOT/usr/bin/redis-server"
REDIS_CLI="$REDIS_ROOT/usr/bin/redis-cli"
REDIS_LIBS="$REDIS_ROOT/usr/lib/x86_64-linux-gnu"
# redis-tools (the server binary) and what it links against beyond a minimal Debian (multiarch path: amd64 hosts).
REDIS_PACKAGES=(redis-tools libjemalloc2 liblzf1)
REDIS_DIR="$KYOYU_HOME/redis"
REDIS_CONF="$REDIS_DIR/redis.conf" # its path in our command line marks the server as ours
REDIS_PID="$KYOYU_RUN/redis.pid"
REDIS_LOG="$KYOYU_LOGS/redis.log"
READY_SECONDS=20

usage() {
  say "usage: $0 install|start|stop|kill|status|pid"
  exit 2
}

# --- install -----------------------------------------------------------------------------------

installed() {
  [[ -x $REDIS_BIN ]] && run_redis "$REDIS_BIN" --version >/dev/null 2>&1
}

# The unpacked binaries find their libraries in the cache first, then the host's.
run_redis() {
  LD_LIBRARY_PATH="$REDIS_LIBS${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$@"
}

cmd_install() {
  installed || with_lock "$KYOYU_CACHE/redis.lock" install_packages
}

# Downloads and unpacks into a side directory, renamed when complete, so an interrupted install never
# looks installed. Runs under the cache lock; another instance may have finished meanwhile.
install_packages() {
  installed && return 0
  local partial="$REDIS_ROOT.partial" debs deb
  rm -rf "$partial"
  mkdir -p "$partial/debs"
  say "installing redis-server from Debian packages into $REDIS_ROOT…"
  # A fresh machine may have no package lists yet; update only when the plain download fails.
  if ! (cd "$partial/debs" && apt-get download -q "${REDIS_PACKAGES[@]}" >"$KYOYU_LOGS/redis-install.log" 2>&1); then
    apt-get update -q >>"$KYOYU_LOGS/redis-install.log" 2>&1 || true
    (cd "$partial/debs" && apt-get download -q "${REDIS_PACKAGES[@]}" >>"$KYOYU_LOGS/redis-install.log" 2>&1) || {
      show_log_tail "$KYOYU_LOGS/redis-install.log"
      die "apt-get download ${REDIS_PACKAGES[*]} failed (log: $KYOYU_LOGS/redis-install.log)"
    }
  fi
  debs=("$partial"/debs/*.deb)
  for deb in "${debs[@]}"; do dpkg -x "$deb" "$partial"; done
  # The server is redis-check-rdb run under the name redis-server (the redis-server package only
  # adds that symlink, plus a system service we do not want).
  [[ -e $partial/usr/bin/redis-server ]] || ln -s redis-check-rdb "$partial/usr/bin/redis-server"
  rm -rf "$partial/debs" "$REDIS_ROOT"
  mv "$partial" "$REDIS_ROOT"
  installed || die "redis-server was unpacked but does not run: $(run_redis "$REDIS_BIN" --version 2>&1 | head -n 3)"
  say "installed $(run_redis "$REDIS_BIN" --version | cut -d' ' -f1-3)"
}

# --- run ---------------------------------------------------------------------------------------

running_pid() { owned_pid "$REDIS_PID" "$REDIS_CONF"; }

ping() {
  [[ $(run_redis "$REDIS_CLI" -h 127.0.0.1 -p "$KYOYU_REDIS_PORT" ping 2>/dev/null) == PONG ]]
}

# Rate-limit buckets refill by themselves: losing them costs nothing, so no persistence at all.
write_conf() {
  mkdir -p "$REDIS_DIR/data"
  cat >"$REDIS_CONF" <<EOF
bind 127.0.0.1
port $KYOYU_REDIS_PORT
protected-mode yes
dir $REDIS_DIR/data
save ""
appendonly no
daemonize no
maxmemory 128mb
maxmemory-policy volatile-ttl
# Keeps this file's path in the process title, which is how running_pid knows the server is ours.
proc-title-template "{title} {listen-addr} {config-file}"
EOF
}

cmd_start() {
  local pid
  if pid=$(running_pid); then
    say "redis: already running (pid $pid, 127.0.0.1:$KYOYU_REDIS_PORT)"
    return 0
  fi
  cmd_install
  require_free_port redis "$KYOYU_REDIS_PORT"
  write_conf
  start_detached "$REDIS_PID" "$REDIS_LOG" env LD_LIBRARY_PATH="$REDIS_LIBS" "$REDIS_BIN" "$REDIS_CONF"
  pid=$(<"$REDIS_PID")
  if ! wait_ready redis "$READY_SECONDS" "$pid" ping; then
    show_log_tail "$REDIS_LOG"
    die "redis did not answer PING (log: $REDIS_LOG)"
  fi
  say "redis: started (pid $pid, redis://127.0.0.1:$KYOYU_REDIS_PORT)"
}

cmd_stop() {
  local pid
  pid=$(running_pid) || { say "redis: not running"; return 0; }
  stop_pid redis "$pid"
  rm -f "$REDIS_PID"
  say "redis: stopped (was pid $pid)"
}

cmd_kill() { kill_running redis "$REDIS_PID"; }

cmd_status() { status_running redis "redis://127.0.0.1:$KYOYU_REDIS_PORT, log $REDIS_LOG"; }

cmd_pid() { running_pid || exit 3; }

run_command "$@"
