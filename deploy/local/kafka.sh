#!/usr/bin/env bash
# A real single-node Kafka (KRaft, broker and controller in one JVM) for the local stack:
# install | start | stop | kill | status.
#
# The broker runs from Maven Central jars alone: deploy/local/kafka/pom.xml names them at the
# version the parent pom pins, and `install` copies them into the shared cache (one directory per
# jar set, never rewritten, so brokers of other instances keep running from it). The broker's
# configuration and data belong to the instance ($KYOYU_HOME/kafka).
set -euo pipefail

# shellcheck source=deploy/local/lib.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

KAFKA_POM="$KYOYU_REPO/deploy/local/kafka/pom.xml"
KAFKA_LOG4J="$KYOYU_REPO/deploy/local/kafka/log4j2.xml"
KAFKA_DIR="$KYOYU_HOME/kafka"
KAFKA_DATA="$KAFKA_DIR/data"
KAFKA_CONF="$KAFKA_DIR/config/server.properties" # its path in our command line marks the broker as ours
KAFKA_TOOLS_CONF="$KAFKA_DIR/config/tools.properties"
KAFKA_TOPICS_OK="$KAFKA_DIR/topics.ok"
KAFKA_PID="$KYOYU_RUN/kafka.pid"
KAFKA_LOG="$KYOYU_LOGS/kafka.log" # what the broker logs (log4j2)
KAFKA_OUT="$KYOYU_LOGS/kafka.out" # the JVM's own stdout/stderr: crashes before logging starts
READY_SECONDS=60

# The topics the services need: name and partition count. Auto-creation is off on purpose, so a
# typo in a topic name fails loudly instead of creating a new topic.
TOPICS=("kyoyu.events.v1:6" "kyoyu.events.dlq:6" "kyoyu.identities.v1:1")
# Topics that keep the latest record per key for ever instead of deleting by age: the identity topic
# is the log of record of agents, keys, roles and grants (the services also create it when missing).
COMPACTED_TOPICS=("kyoyu.identities.v1")

usage() {
  say "usage: $0 install|start|stop|kill|status"
  exit 2
}

# --- install -----------------------------------------------------------------------------------

# Changes whenever the jar set could: our pom, or the Kafka version pinned in the parent pom.
libs_fingerprint() {
  { cat "$KAFKA_POM"; grep '<kafka.version>' "$KYOYU_REPO/pom.xml"; } | sha256sum | cut -d' ' -f1
}

KAFKA_FINGERPRINT=$(libs_fingerprint)
KAFKA_LIBS="$KYOYU_CACHE/kafka/libs-${KAFKA_FINGERPRINT:0:12}"

installed() {
  [[ -f $KAFKA_LIBS/.fingerprint && $(<"$KAFKA_LIBS/.fingerprint") == "$KAFKA_FINGERPRINT" ]]
}

cmd_install() {
  installed || with_lock "$KYOYU_CACHE/kafka.lock" install_libs
}

# Copies into a side directory and renames when complete, so an interrupted download never
# looks installed. Runs under the cache lock; another instance may have finished meanwhile.
install_libs() {
  installed && return 0
  use_jdk
  local partial="$KAFKA_LIBS.partial"
  rm -rf "$partial"
  mkdir -p "$(dirname "$KAFKA_LIBS")"
  say "fetching Kafka jars from Maven Central into $KAFKA_LIBS…"
  if ! (cd "$KYOYU_REPO" && ./mvnw -B -q -f "$KAFKA_POM" dependency:copy-dependencies \
    -DoutputDirectory="$partial" -DincludeScope=runtime) >"$KYOYU_LOGS/kafka-install.log" 2>&1; then
    show_log_tail "$KYOYU_LOGS/kafka-install.log"
    die "could not fetch the Kafka jars"
  fi
  printf '%s\n' "$KAFKA_FINGERPRINT" >"$partial/.fingerprint"
  mv "$partial" "$KAFKA_LIBS"
}

# --- configuration -----------------------------------------------------------------------------

# Rewritten on every start so ports from the environment take effect. The controller quorum is
# static (controller.quorum.voters) rather than a formatted dynamic one: then the voter's address
# lives in this file, not in the metadata log, and changing the controller port needs no reformat.
write_config() {
  mkdir -p "$(dirname "$KAFKA_CONF")" "$KAFKA_DATA"
  cat >"$KAFKA_CONF" <<EOF
# Written by deploy/local/kafka.sh on every start: change deploy/local/env.sh instead.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KYOYU_KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KYOYU_KAFKA_PORT,CONTROLLER://127.0.0.1:$KYOYU_KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KYOYU_KAFKA_PORT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$KAFKA_DATA

# One broker: every replication factor and ISR minimum is 1.
num.partitions=6
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# 50 offsets partitions (the default) make the first consumer group on a fresh broker slow to
# start on a 2-core machine, for no benefit on one broker.
offsets.topic.num.partitions=6

auto.create.topics.enable=false
# Tests and local runs start one consumer at a time; waiting for more only delays them.
group.initial.rebalance.delay.ms=0
EOF
  # Short timeouts for our own tool calls, so a readiness probe fails fast and is retried.
  cat >"$KAFKA_TOOLS_CONF" <<'EOF'
request.timeout.ms=5000
default.api.timeout.ms=10000
EOF
}

# Runs a Kafka command-line tool from the broker's jars; a small, quick-starting JVM.
kafka_tool() {
  java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$KAFKA_LIBS/*" "$@"
}

# Formats the storage once, with a fresh cluster id. A formatted directory keeps its id.
format_storage() {
  [[ -f $KAFKA_DATA/meta.properties ]] && return 0
  local cluster_id
  cluster_id=$(kafka_tool kafka.tools.StorageTool random-uuid)
  kafka_tool kafka.tools.StorageTool format -t "$cluster_id" -c "$KAFKA_CONF" >/dev/null
  rm -f "$KAFKA_TOPICS_OK"
}

# --- running -----------------------------------------------------------------------------------

running_pid() {
  owned_pid "$KAFKA_PID" "$KAFKA_CONF"
}

# The port the broker was started with, which the environment may since have changed.
running_port() {
  sed -n 's|^listeners=PLAINTEXT://127.0.0.1:\([0-9]*\),.*|\1|p' "$KAFKA_CONF"
}

list_topics() {
  kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$KYOYU_KAFKA_BOOTSTRAP" \
    --command-config "$KAFKA_TOOLS_CONF" --list
}

# Creates the missing ones of $TOPICS. Records success, so that a later `start` of a running
# broker has nothing to do, while one interrupted before this point still finishes the job.
ensure_topics() {
  [[ -f $KAFKA_TOPICS_OK ]] && return 0
  local existing entry name partitions
  local -a configs
  existing=$(list_topics)
  for entry in "${TOPICS[@]}"; do
    name=${entry%%:*} partitions=${entry##*:}
    grep -qxF "$name" <<<"$existing" && continue
    configs=()
    [[ " ${COMPACTED_TOPICS[*]} " == *" $name "* ]] && configs=(--config cleanup.policy=compact)
    kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$KYOYU_KAFKA_BOOTSTRAP" \
      --command-config "$KAFKA_TOOLS_CONF" --create --if-not-exists --topic "$name" \
      --partitions "$partitions" --replication-factor 1 "${configs[@]}" >/dev/null
    say "created topic $name ($partitions partitions)"
  done
  touch "$KAFKA_TOPICS_OK"
}

launch_broker() {
  start_detached "$KAFKA_PID" "$KAFKA_OUT" \
    java -Xms256m -Xmx512m -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$KAFKA_LOG4J" -Dkyoyu.kafka.log="$KAFKA_LOG" \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_CONF"
}

# --- commands ----------------------------------------------------------------------------------

cmd_start() {
  local pid
  use_jdk
  cmd_install # the tools below run from the jars too, even when the broker already runs
  if pid=$(running_pid); then
    ensure_topics
    say "kafka: already running (pid $pid, port $(running_port))"
    return 0
  fi
  require_free_port kafka "$KYOYU_KAFKA_PORT"
  require_free_port "kafka controller" "$KYOYU_KAFKA_CONTROLLER_PORT"
  write_config
  format_storage
  local started=$SECONDS
  launch_broker
  pid=$(running_pid) || { show_log_tail "$KAFKA_OUT"; die "kafka exited at once"; }
  # A listening port is not enough: the broker accepts connections before it serves requests.
  if ! wait_ready kafka "$READY_SECONDS" "$pid" list_topics; then
    show_log_tail "$KAFKA_OUT" "$KAFKA_LOG"
    die "kafka did not become ready (logs: $KAFKA_LOG, $KAFKA_OUT)"
  fi
  ensure_topics
  say "kafka: started in $((SECONDS - started)) s (pid $pid, port $KYOYU_KAFKA_PORT)"
}

cmd_stop() {
  local pid
  if ! pid=$(running_pid); then
    say "kafka: not running"
    return 0
  fi
  stop_pid kafka "$pid"
  rm -f "$KAFKA_PID"
  say "kafka: stopped (was pid $pid)"
}

# SIGKILL: a broker crash, for drills. The next start recovers the logs.
cmd_kill() {
  local pid
  if ! pid=$(running_pid); then
    say "kafka: not running"
    return 0
  fi
  kill_pid "$pid"
  rm -f "$KAFKA_PID"
  say "kafka: killed (was pid $pid)"
}

cmd_status() {
  local pid
  if pid=$(running_pid); then
    say "kafka: running (pid $pid, port $(running_port), log $KAFKA_LOG)"
  else
    say "kafka: stopped"
    exit 3
  fi
}

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  kill) cmd_kill ;;
  status) cmd_status ;;
  *) usage ;;
esac
