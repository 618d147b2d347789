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
# The services' HTTP ports: their defaults in the config classes, restated because the launcher probes them
# (ConfigurationDocTest fails if the two ever differ). Every other service setting is left to the code's
# default unless the local stack needs another value, which then says why (docs/configuration.md lists them).
export KYOYU_INGEST_PORT="${KYOYU_INGEST_PORT:-8080}"
export KYOYU_QUERY_PORT="${KYOYU_QUERY_PORT:-8081}"
# sink-worker serves only /health and /metrics on this port; extra workers of the same consumer
# group (sink-worker-2, sink-worker-3, …) take the ports after it: sink-worker-N on KYOYU_SINK_PORT+N-1.
export KYOYU_SINK_PORT="${KYOYU_SINK_PORT:-8082}"
# Below 8080: sink-worker-N take KYOYU_SINK_PORT+N-1 (8082…8090).
export KYOYU_EMBEDDER_PORT="${KYOYU_EMBEDDER_PORT:-8078}"
export KYOYU_STREAM_PORT="${KYOYU_STREAM_PORT:-8079}"
# Local stack: the stream's state belongs to the instance (wiped with it), not to the temp directory.
export KYOYU_STREAM_STATE_DIR="${KYOYU_STREAM_STATE_DIR:-$KYOYU_HOME/state/decision-stream}"
# Local stack: the decision stream runs here, so the sink stores what it publishes (decisions, revisions,
# conflicts); the code's default (off) keeps a worker from reading topics it was not pointed at.
export KYOYU_SINK_DECISIONS="${KYOYU_SINK_DECISIONS:-true}"
# Local stack: the sink materializes the identity topic (agents, API keys, role token floors, access grants) into PostgreSQL;
# query-api reads access grants from there.
export KYOYU_SINK_IDENTITIES="${KYOYU_SINK_IDENTITIES:-true}"
# redis-server (only on request: ./kyoyu up --redis); the services share rate-limit buckets through it.
export KYOYU_REDIS_PORT="${KYOYU_REDIS_PORT:-56379}"
export KYOYU_PG_REPLICA_PORT="${KYOYU_PG_REPLICA_PORT:-$((KYOYU_PG_PORT + 1))}"
# PgBouncer in transaction mode (only on request: ./kyoyu up --pooler), beside the replica's port.
export KYOYU_PGBOUNCER_PORT="${KYOYU_PGBOUNCER_PORT:-$((KYOYU_PG_PORT + 2))}"

# Kafka brokers of this instance: 1, or the 3 that `./kyoyu up --brokers 3` recorded in $KYOYU_HOME/kafka.brokers.
# Broker N (1-3) listens on KYOYU_KAFKA_PORT + 2(N-1) and its controller on KYOYU_KAFKA_CONTROLLER_PORT + 2(N-1): with
# the controller port right after the broker port (as the defaults are), three brokers take six consecutive ports.
kyoyu_kafka_brokers() { cat "$KYOYU_HOME/kafka.brokers" 2>/dev/null || echo 1; }
kyoyu_kafka_port() { echo $((KYOYU_KAFKA_PORT + 2 * ($1 - 1))); }
kyoyu_kafka_controller_port() { echo $((KYOYU_KAFKA_CONTROLLER_PORT + 2 * ($1 - 1))); }
kyoyu_kafka_bootstrap() {
  local n list=""
  for ((n = 1; n <= $(kyoyu_kafka_brokers); n++)); do list+="${list:+,}127.0.0.1:$(kyoyu_kafka_port "$n")"; done
  echo "$list"
}

# Local stack: required, no default; this instance's brokers, all of them.
export KYOYU_KAFKA_BOOTSTRAP="${KYOYU_KAFKA_BOOTSTRAP:-$(kyoyu_kafka_bootstrap)}"
# Local stack: the decision stream's own topics and state changelogs get one copy per broker, like the rest.
export KYOYU_STREAM_TOPIC_REPLICATION="${KYOYU_STREAM_TOPIC_REPLICATION:-$(kyoyu_kafka_brokers)}"
# Local stack: required, no default; this instance's database.
export KYOYU_PG_URL="${KYOYU_PG_URL:-jdbc:postgresql://127.0.0.1:$KYOYU_PG_PORT/kyoyu}"
# The role the local cluster is created with (initdb -U); the services' default too.
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

# Local stack: required, no default; generated once per instance. Keys the owner tag of run ids and the ids
# derived from Idempotency-Keys: changing it orphans existing runs.
KYOYU_ID_SECRET="${KYOYU_ID_SECRET:-$(kyoyu_local_secret id-secret)}"
# Local stack: the database role's password (TCP logins use SCRAM); postgres.sh sets it on the role at every start.
KYOYU_PG_PASSWORD="${KYOYU_PG_PASSWORD:-$(kyoyu_local_secret pg-password)}"
export KYOYU_ID_SECRET KYOYU_PG_PASSWORD

# The instance's token signing key: an EC P-256 private key (PKCS#8 DER) in $KYOYU_HOME/secrets, generated once so
# tokens stay valid across restarts. Its key id is derived from the public key, so a new key gets a new id.
kyoyu_token_signing_key_file() {
  local file="$KYOYU_HOME/secrets/token-signing-key.der"
  if [[ ! -s $file ]]; then
    mkdir -p "$KYOYU_HOME/secrets"
    chmod 700 "$KYOYU_HOME/secrets"
    # pkcs8 -topk8: genpkey's DER output of an EC key is the traditional (SEC1) form, Java reads PKCS#8.
    (umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -pkeyopt ec_param_enc:named_curve \
      | openssl pkcs8 -topk8 -nocrypt -outform DER -out "$file.$$" && { ln "$file.$$" "$file" 2>/dev/null || true; } \
      && rm -f "$file.$$")
  fi
  printf '%s\n' "$file"
}

# Set both from outside to run with keys of your own (several verify keys while a signing key rotates:
# KYOYU_TOKEN_VERIFY_KEYS=new-kid:...,old-kid:...); otherwise the instance's own key pair is used.
if [[ -z ${KYOYU_TOKEN_SIGNING_KEY:-} ]]; then
  kyoyu_token_key_der=$(kyoyu_token_signing_key_file)
  kyoyu_token_public_b64=$(openssl pkey -inform DER -in "$kyoyu_token_key_der" -pubout -outform DER | openssl base64 -A)
  kyoyu_token_kid="local-$(printf %s "$kyoyu_token_public_b64" | openssl base64 -d -A | openssl dgst -sha256 -r | cut -c1-8)"
  KYOYU_TOKEN_SIGNING_KEY="$kyoyu_token_kid:$(openssl base64 -A -in "$kyoyu_token_key_der")"
  # Local stack: required, no default; the instance's own public key.
  KYOYU_TOKEN_VERIFY_KEYS="${KYOYU_TOKEN_VERIFY_KEYS:-$kyoyu_token_kid:$kyoyu_token_public_b64}"
  unset kyoyu_token_key_der kyoyu_token_public_b64 kyoyu_token_kid
fi
export KYOYU_TOKEN_SIGNING_KEY KYOYU_TOKEN_VERIFY_KEYS
