# shellcheck shell=bash
# The one place for the local stack's defaults. Sourced (never executed) by deploy/local/*.sh and
# ./kyoyu; every value can be overridden from the environment, and everything is exported so the
# services and tests started from here see the same addresses.

KYOYU_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export KYOYU_REPO

# All local state (databases, broker data, logs, pids, secrets) lives here; it is git-ignored.
export KYOYU_HOME="${KYOYU_HOME:-$KYOYU_REPO/.kyoyu}"

export KYOYU_KAFKA_PORT="${KYOYU_KAFKA_PORT:-59092}"
export KYOYU_KAFKA_CONTROLLER_PORT="${KYOYU_KAFKA_CONTROLLER_PORT:-59093}"
export KYOYU_PG_PORT="${KYOYU_PG_PORT:-55432}"
export KYOYU_INGEST_PORT="${KYOYU_INGEST_PORT:-8080}"
export KYOYU_QUERY_PORT="${KYOYU_QUERY_PORT:-8081}"
# sink-worker serves only /health and /metrics on this port.
export KYOYU_SINK_PORT="${KYOYU_SINK_PORT:-8082}"

export KYOYU_KAFKA_BOOTSTRAP="${KYOYU_KAFKA_BOOTSTRAP:-127.0.0.1:$KYOYU_KAFKA_PORT}"
export KYOYU_PG_URL="${KYOYU_PG_URL:-jdbc:postgresql://127.0.0.1:$KYOYU_PG_PORT/kyoyu}"
export KYOYU_PG_USER="${KYOYU_PG_USER:-kyoyu}"
# The local cluster trusts loopback connections; the password only satisfies clients that want one.
export KYOYU_PG_PASSWORD="${KYOYU_PG_PASSWORD:-kyoyu}"

# Where the PostgreSQL 17 root (Debian trixie) is bootstrapped from.
export KYOYU_DEBIAN_MIRROR="${KYOYU_DEBIAN_MIRROR:-http://deb.debian.org/debian}"

# Prints the secret stored in $KYOYU_HOME/secrets/$1, generating it on first use. Generated once so
# that API keys and tokens stay valid across restarts of the stack.
kyoyu_local_secret() {
  local file="$KYOYU_HOME/secrets/$1"
  if [[ ! -s $file ]]; then
    mkdir -p "$KYOYU_HOME/secrets"
    chmod 700 "$KYOYU_HOME/secrets"
    (umask 077 && openssl rand -hex 32 >"$file.tmp" && mv "$file.tmp" "$file")
  fi
  cat "$file"
}

KYOYU_JWT_SECRET="${KYOYU_JWT_SECRET:-$(kyoyu_local_secret jwt-secret)}"
KYOYU_API_KEY_SECRET="${KYOYU_API_KEY_SECRET:-$(kyoyu_local_secret api-key-secret)}"
export KYOYU_JWT_SECRET KYOYU_API_KEY_SECRET
