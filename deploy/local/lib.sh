# shellcheck shell=bash
# Helpers shared by deploy/local/*.sh and ./kyoyu: finding a JDK, starting detached processes that
# we can later prove are ours, and waiting for readiness with a deadline. Sourced, never executed.

# shellcheck source=deploy/local/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

KYOYU_LOGS="$KYOYU_HOME/logs"
KYOYU_RUN="$KYOYU_HOME/run"
# Holds the schemas jar's checksum once its migrations ran against this instance's database, so that
# starting one more service skips a redundant Liquibase run; a restore deletes it.
# shellcheck disable=SC2034 # used by ./kyoyu and postgres.sh, which source this file
KYOYU_MIGRATED_STAMP="$KYOYU_RUN/migrated"
mkdir -p "$KYOYU_LOGS" "$KYOYU_RUN" "$KYOYU_CACHE"

say() { printf '%s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# --- JDK ---------------------------------------------------------------------------------------

# Major version of the JDK at $1, from its release file (or the JVM itself when there is none).
jdk_major() {
  local home=$1 version
  if [[ -r $home/release ]]; then
    version=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$home/release")
  else
    version=$("$home/bin/java" -XshowSettings:properties -version 2>&1 |
      sed -n 's/^ *java.specification.version = //p')
  fi
  version=${version#1.} # 1.8 -> 8: old JDKs are still too old, but must not parse as 1
  printf '%s\n' "${version%%[!0-9]*}"
}

# Exports JAVA_HOME and PATH for a JDK >= 21: $JAVA_HOME when it qualifies, else the newest one
# under /usr/lib/jvm. The host's default java may be older, so nothing here trusts PATH.
use_jdk() {
  local min=21 best="" best_major=0 home major
  if [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]] && (($(jdk_major "$JAVA_HOME") >= min)); then
    best=$JAVA_HOME
  else
    for home in /usr/lib/jvm/*/; do
      home=${home%/}
      [[ -x $home/bin/java && -r $home/release ]] || continue
      major=$(jdk_major "$home")
      if ((${major:-0} > best_major)); then best=$home best_major=$major; fi
    done
    ((best_major >= min)) || die "no JDK >= $min found (JAVA_HOME or /usr/lib/jvm/*); install one, e.g. openjdk-21-jdk"
  fi
  export JAVA_HOME=$best
  export PATH="$JAVA_HOME/bin:$PATH"
}

# --- processes we own --------------------------------------------------------------------------

# Prints the pid recorded in $1 if that process is alive and its command line contains $2 (a path
# only our own process has), so a recycled pid never makes us signal a stranger.
owned_pid() {
  local pidfile=$1 marker=$2 pid cmdline
  [[ -s $pidfile ]] || return 1
  pid=$(<"$pidfile")
  [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/cmdline ]] || return 1
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmdline == *"$marker"* ]] || return 1
  printf '%s\n' "$pid"
}

# The file where the wrapper of start_detached records how the process behind pid file $1 ended.
exit_file_of() { printf '%s\n' "${1%.pid}.exit"; }

# Starts "$@" in its own session (so closing the terminal does not kill it), stdin from /dev/null,
# output appended to $2. A small bash wrapper stays behind as the process's parent: it writes the
# real process's pid to $1 and, when the process ends, its exit status (128+N for signal N) to the
# .exit file beside it, so that "did it exit 0 on SIGTERM?" has an answer for detached processes.
start_detached() {
  local pidfile=$1 logfile=$2 exitfile
  shift 2
  exitfile=$(exit_file_of "$pidfile")
  rm -f "$pidfile" "$exitfile"
  # Logs append across restarts; a header shows where this run begins when reading a tail.
  printf '\n=== %s started %s ===\n' "$(basename "$pidfile" .pid)" "$(date -Is)" >>"$logfile"
  # shellcheck disable=SC2016 # expanded by the inner bash, on purpose
  setsid bash -c 'pidfile=$1 exitfile=$2; shift 2
    "$@" &
    echo $! >"$pidfile.new" && mv "$pidfile.new" "$pidfile"
    wait $!
    echo $? >"$exitfile.new" && mv "$exitfile.new" "$exitfile"' \
    kyoyu-launch "$pidfile" "$exitfile" "$@" </dev/null >>"$logfile" 2>&1 &
  local i
  for ((i = 0; i < 50; i++)); do
    [[ -s $pidfile ]] && return 0
    sleep 0.1
  done
  die "process for $pidfile did not start"
}

# Prints how the process behind pid file $1 ended, waiting up to 5 s for its wrapper to record it
# (the wrapper writes just after the process is gone). Fails when nothing was recorded.
recorded_exit_status() {
  local exitfile i
  exitfile=$(exit_file_of "$1")
  for ((i = 0; i < 50; i++)); do
    if [[ -s $exitfile ]]; then
      cat "$exitfile"
      return 0
    fi
    sleep 0.1
  done
  return 1
}

# "exit status 0", or "exit status 143 (SIGTERM)" for 128+N: readable in status and stop lines.
describe_exit() {
  local status=$1 signal
  if ((status > 128)) && signal=$(kill -l $((status - 128)) 2>/dev/null); then
    printf 'exit status %s (SIG%s)\n' "$status" "$signal"
  else
    printf 'exit status %s\n' "$status"
  fi
}

# SIGKILL, for crash drills; returns once the process is gone.
kill_pid() {
  local pid=$1 i
  kill -KILL "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
}

# Runs "$@" holding the lock file $1 (waits for it), so that two instances starting at once never
# download into, or build, the same shared place together.
with_lock() {
  local lockfile=$1
  shift
  mkdir -p "$(dirname "$lockfile")"
  (
    flock 9
    "$@"
  ) 9>"$lockfile"
}

# SIGTERM, then up to 30 s for a graceful exit, SIGKILL only after that.
stop_pid() {
  local name=$1 pid=$2 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 300; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  say "$name did not stop within 30 s; sending SIGKILL to $pid"
  kill -KILL "$pid" 2>/dev/null || true
}

# For a script that runs one process of its own and defines running_pid: SIGKILLs that process and
# deletes its pid file $2; $1 names it in the messages.
kill_running() {
  local name=$1 pidfile=$2 pid
  pid=$(running_pid) || { say "$name: not running"; return 0; }
  kill_pid "$pid"
  rm -f "$pidfile"
  say "$name: killed (was pid $pid)"
}

# The same script's status line: "NAME: running (pid N, DETAILS)" and status 0, or "NAME: stopped" and 3.
status_running() {
  local name=$1 details=$2 pid
  if pid=$(running_pid); then
    say "$name: running (pid $pid, $details)"
    return 0
  fi
  say "$name: stopped"
  return 3
}

# A script's entry point: runs its command $1 (the function cmd_$1) with the arguments after it, or
# the script's usage when it has no such command.
run_command() {
  local command=${1:-}
  [[ $command =~ ^[a-z]+$ ]] && declare -F "cmd_$command" >/dev/null || usage
  shift
  "cmd_$command" "$@"
}

# --- secrets per service -----------------------------------------------------------------------

# The secrets each service is handed; every other secret in the environment is withheld from it.
# Token verify keys are public and go to everyone; only ingest-api may sign tokens.
service_secrets() {
  case $1 in
    ingest-api) printf '%s\n' KYOYU_TOKEN_SIGNING_KEY KYOYU_ID_SECRET ;;
    # Both embed text: search queries, and the decisions.
    query-api) printf '%s\n' KYOYU_PG_PASSWORD KYOYU_EMBEDDING_API_KEY ;;
    embedder) printf '%s\n' KYOYU_PG_PASSWORD KYOYU_EMBEDDING_API_KEY ;;
    sink-worker | sink-worker-*) printf '%s\n' KYOYU_PG_PASSWORD ;;
    *) ;; # decision-stream reads and writes Kafka only
  esac
}

# A variable is a secret when its name says so; a new secret is therefore withheld until a service is
# given it above, never handed to everyone by default.
is_secret_name() {
  [[ $1 == *SECRET* || $1 == *PASSWORD* || $1 == *SIGNING_KEY* || $1 == *PRIVATE_KEY* || $1 == *_API_KEY* ]]
}

# Prints "-u NAME" (one word a line) for env(1), for every exported secret service $1 is not given.
withheld_secrets() {
  local name allowed
  allowed=" $(service_secrets "$1" | tr '\n' ' ') "
  for name in $(compgen -e); do
    is_secret_name "$name" || continue
    [[ $allowed == *" $name "* ]] && continue
    printf -- '-u\n%s\n' "$name"
  done
}

# --- readiness ---------------------------------------------------------------------------------

# True when something accepts TCP connections on 127.0.0.1:$1.
port_open() {
  timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

# Fails loudly if something other than us already listens on port $2, which would otherwise
# show up later as a confusing "address already in use" deep in a log file.
require_free_port() {
  local name=$1 port=$2
  if port_open "$port"; then die "$name: port $port is already in use by another process"; fi
}

# Prints the last lines of each log file given, for error messages.
show_log_tail() {
  local file
  for file in "$@"; do
    [[ -s $file ]] || continue
    printf -- '--- last lines of %s ---\n' "$file" >&2
    tail -n 40 "$file" >&2
  done
}

# wait_ready NAME SECONDS PID CHECK... : polls CHECK until it succeeds. Gives up when the deadline
# passes or the process PID dies, whichever comes first (returns 1; the caller shows its logs).
wait_ready() {
  local name=$1 seconds=$2 pid=$3
  shift 3
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then
      say "$name exited during startup" >&2
      return 1
    fi
    if ((SECONDS >= deadline)); then
      say "$name was not ready within $seconds s" >&2
      return 1
    fi
    sleep 0.5
  done
}
