# shellcheck shell=bash
# The one place for the local stack's defaults. Sourced (never executed) by deploy/local/*.sh and
# ./kyoyu; every value can be overridden from the environment, and everything is exported so the
# services and tests started from here see the same addresses.
#
# Instances: one checkout can run several stacks side by side (fault drills stop and kill components
# of their own stack, never a developer's). An instance is chosen by KYOYU_HOME plus its own ports;
# everything it owns (pids, logs, secrets, Kafka data, the PostgreSQL cluster) hangs off KYOYU_HOME,
# while the heavy downloads every instance can share (the Debian trixie root with PostgreSQL, Kafka's
# jars) live once in KYOYU_CACHE. Example:
#   KYOYU_HOME=$PWD/.kyoyu/instances/try KYOYU_KAFKA_PORT=29092 KYOYU_KAFKA_CONTROLLER_PORT=29093 \
#   KYOYU_PG_PORT=25432 KYOYU_INGEST_PORT=28080 KYOYU_QUERY_PORT=28081 KYOYU_SINK_PORT=28082 ./kyoyu up

KYOYU_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
export KYOYU_REPO

# The instance: all of its state (databases, broker data, logs, pids, secrets) hangs off here. The
# default instance is .kyoyu itself; others go in .kyoyu/instances/<name>. All of it is git-ignored.
KYOYU_HOME="$(realpath -m "${KYOYU_HOME:-$KYOYU_REPO/.kyoyu}")"
export KYOYU_HOME
# Shared by every instance of this checkout, and only ever added to: the PostgreSQL root and Kafka's jars.
KYOYU_CACHE="$(realpath -m "${KYOYU_CACHE:-$KYOYU_REPO/.kyoyu/cache}")"
export KYOYU_CACHE

export KYOYU_KAFKA_PORT="${KYOYU_KAFKA_PORT:-59092}"
export KYOYU_KAFKA_CONTROLLER_PORT="${KYOYU_KAFKA_CONTROLLER_PORT:-59093}"
export KYOYU_PG_PORT="${KYOYU_PG_PORT:-55432}"
export KYOYU_INGEST_PORT="${KYOYU_INGEST_PORT:-8080}"
export KYOYU_QUERY_PORT="${KYOYU_QUERY_PORT:-8081}"
# sink-worker serves only /health and /metrics on this port; extra workers of the same consumer
# group (sink-worker-2, sink-worker-3, …) take the ports after it: sink-worker-N on KYOYU_SINK_PORT+N-1.
export KYOYU_SINK_PORT="${KYOYU_SINK_PORT:-8082}"
# Below 8080: sink-worker-N take KYOYU_SINK_PORT+N-1 (8082…8090).
export KYOYU_EMBEDDER_PORT="${KYOYU_EMBEDDER_PORT:-8078}"
export KYOYU_STREAM_PORT="${KYOYU_STREAM_PORT:-8079}"
export KYOYU_STREAM_STATE_DIR="${KYOYU_STREAM_STATE_DIR:-$KYOYU_HOME/state/decision-stream}"
# The sink stores what the decision stream publishes (decisions, revisions, conflicts).
export KYOYU_SINK_DECISIONS="${KYOYU_SINK_DECISIONS:-true}"
export KYOYU_PG_REPLICA_PORT="${KYOYU_PG_REPLICA_PORT:-$((KYOYU_PG_PORT + 1))}"

export KYOYU_KAFKA_BOOTSTRAP="${KYOYU_KAFKA_BOOTSTRAP:-127.0.0.1:$KYOYU_KAFKA_PORT}"
export KYOYU_PG_URL="${KYOYU_PG_URL:-jdbc:postgresql://127.0.0.1:$KYOYU_PG_PORT/kyoyu}"
export KYOYU_PG_USER="${KYOYU_PG_USER:-kyoyu}"
# PostgreSQL's shared_buffers; drills running beside a developer's stack ask for less.
export KYOYU_PG_SHARED_BUFFERS="${KYOYU_PG_SHARED_BUFFERS:-512MB}"

# Where the PostgreSQL 17 root (Debian trixie) is bootstrapped from.
export KYOYU_DEBIAN_MIRROR="${KYOYU_DEBIAN_MIRROR:-http://deb.debian.org/debian}"

# The instance everyone gets without setting KYOYU_HOME.
export KYOYU_DEFAULT_HOME="$KYOYU_REPO/.kyoyu"

# The instance's name inside shared places (its cluster's directory in the PostgreSQL root): the
# directory's name ("default" for .kyoyu) plus a random suffix chosen once. The suffix keeps apart
# the default instances of two checkouts sharing one KYOYU_CACHE, and an instance deleted and
# recreated under the same name never finds its predecessor's data.
kyoyu_instance_id() {
  local file="$KYOYU_HOME/instance.id" id
  if [[ ! -s $file ]]; then
    mkdir -p "$KYOYU_HOME"
    id=$(basename "$KYOYU_HOME" | tr -c 'A-Za-z0-9_.\n-' '_')
    [[ $KYOYU_HOME != "$KYOYU_DEFAULT_HOME" ]] || id=default
    # Created with ln, which fails if the file exists: two commands racing on a new instance agree.
    printf '%s-%s\n' "${id:0:40}" "$(openssl rand -hex 3)" >"$file.$$"
    ln "$file.$$" "$file" 2>/dev/null || true
    rm -f "$file.$$"
  fi
  cat "$file"
}
KYOYU_INSTANCE="$(kyoyu_instance_id)"
export KYOYU_INSTANCE

# Prints the secret stored in $KYOYU_HOME/secrets/$1, generating it on first use. Generated once so
# that API keys and tokens stay valid across restarts of the stack.
kyoyu_local_secret() {
  local file="$KYOYU_HOME/secrets/$1"
  if [[ ! -s $file ]]; then
    mkdir -p "$KYOYU_HOME/secrets"
    chmod 700 "$KYOYU_HOME/secrets"
    (umask 077 && openssl rand -hex 32 >"$file.$$" && { ln "$file.$$" "$file" 2>/dev/null || true; } && rm -f "$file.$$")
  fi
  cat "$file"
}

KYOYU_JWT_SECRET="${KYOYU_JWT_SECRET:-$(kyoyu_local_secret jwt-secret)}"
KYOYU_API_KEY_SECRET="${KYOYU_API_KEY_SECRET:-$(kyoyu_local_secret api-key-secret)}"
# Keys the owner tag of run ids and the ids derived from Idempotency-Keys: changing it orphans existing runs.
KYOYU_ID_SECRET="${KYOYU_ID_SECRET:-$(kyoyu_local_secret id-secret)}"
# The database role's password (TCP logins use SCRAM); postgres.sh sets it on the role at every start.
KYOYU_PG_PASSWORD="${KYOYU_PG_PASSWORD:-$(kyoyu_local_secret pg-password)}"
export KYOYU_JWT_SECRET KYOYU_API_KEY_SECRET KYOYU_ID_SECRET KYOYU_PG_PASSWORD
