#!/usr/bin/env bash
# A real Kafka for the local stack (KRaft, broker and controller in one JVM per node): one broker by default, or
# three (`./kyoyu up --brokers 3`: a 3-voter controller quorum, replication factor 3, min.insync.replicas 2,
# components kafka-1..3). install | start [N] | stop [N] | kill [N] | status [N] | pid [N] | brokers [1|3].
#
# The broker runs from Maven Central jars alone: deploy/local/kafka/pom.xml names them at the
# version the parent pom pins, and `install` copies them into the shared cache (one directory per
# jar set, never rewritten, so brokers of other instances keep running from it). The broker's
# configuration and data belong to the instance ($KYOYU_HOME/kafka, or kafka-1..3 and kafka-cluster).
set -euo pipefail

# shellcheck source=deploy/local/lib.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

KAFKA_POM="$KYOYU_REPO/deploy/local/kafka/pom.xml"
KAFKA_LOG4J="$KYOYU_REPO/deploy/local/kafka/log4j2.xml"
READY_SECONDS=90
# How many brokers this instance runs (env.sh reads $KYOYU_HOME/kafka.brokers; `brokers N` writes it).
BROKERS=$(kyoyu_kafka_brokers)
# What the whole cluster shares: the cluster id, the tool settings, the topics-created mark. A single broker keeps
# its historical place; three brokers are a different cluster with state of their own.
if ((BROKERS == 1)); then CLUSTER_DIR="$KYOYU_HOME/kafka"; else CLUSTER_DIR="$KYOYU_HOME/kafka-cluster"; fi
KAFKA_TOOLS_CONF="$CLUSTER_DIR/config/tools.properties"
KAFKA_TOPICS_OK="$CLUSTER_DIR/topics.ok"
KAFKA_CLUSTER_ID="$CLUSTER_DIR/cluster.id"

# The topics the services need: name and partition count. Auto-creation is off on purpose, so a
# typo in a topic name fails loudly instead of creating a new topic.
TOPICS=("kyoyu.events.v1:6" "kyoyu.events.dlq:6" "kyoyu.identities.v1:1")
# Topics that keep the latest record per key for ever instead of deleting by age: the identity topic
# is the log of record of agents, keys, roles and grants (the services also create it when missing).
COMPACTED_TOPICS=("kyoyu.identities.v1")

usage() {
  say "usage: $0 install | start [N] | stop [N] | kill [N] | status [N] | pid [N] | brokers [1|3]"
  say "  N: one broker of a three-broker instance (1-3); without it, every broker"
  exit 2
}

# Sets the NODE_* names of broker $1 (1-based). A single broker is plain "kafka", as it always was.
node() {
  local n=$1
  if ((BROKERS == 1)); then
    NODE_NAME=kafka NODE_DIR="$KYOYU_HOME/kafka"
  else
    NODE_NAME=kafka-$n NODE_DIR="$KYOYU_HOME/kafka-$n"
  fi
  NODE_ID=$n
  NODE_PORT=$(kyoyu_kafka_port "$n")
  NODE_CONTROLLER_PORT=$(kyoyu_kafka_controller_port "$n")
  NODE_DATA="$NODE_DIR/data"
  NODE_CONF="$NODE_DIR/config/server.properties" # its path in our command line marks the broker as ours
  NODE_PID="$KYOYU_RUN/$NODE_NAME.pid"
  NODE_LOG="$KYOYU_LOGS/$NODE_NAME.log" # what the broker logs (log4j2)
  NODE_OUT="$KYOYU_LOGS/$NODE_NAME.out" # the JVM's own stdout/stderr: crashes before logging starts
}

# The brokers a command acts on: the one named, or all.
nodes() {
  if [[ -z ${1:-} ]]; then
    seq 1 "$BROKERS"
  elif [[ $1 =~ ^[1-9]$ ]] && ((BROKERS > 1 && $1 <= BROKERS)); then
    say "$1"
  else
    die "this instance runs $BROKERS broker(s); there is no broker '$1' (./kyoyu up --brokers 3 runs three)"
  fi
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

# The voters of the controller quorum: every broker is also a controller (combined nodes), so three brokers keep a
# quorum with one of them down, and lose it (and with it leader elections) with two down.
quorum_voters() {
  local n voters=""
  for ((n = 1; n <= BROKERS; n++)); do voters+="${voters:+,}$n@127.0.0.1:$(kyoyu_kafka_controller_port "$n")"; done
  say "$voters"
}

# Replication of the cluster's own topics and the default of new ones: one copy per broker, and with three, an
# acknowledged write is on two of them (min.insync.replicas=2) before a producer with acks=all hears of it.
replication_settings() {
  local copies=$BROKERS min_isr=$((BROKERS > 1 ? 2 : 1))
  cat <<EOF
default.replication.factor=$copies
min.insync.replicas=$min_isr
offsets.topic.replication.factor=$copies
transaction.state.log.replication.factor=$copies
transaction.state.log.min.isr=$min_isr
share.coordinator.state.topic.replication.factor=$copies
share.coordinator.state.topic.min.isr=$min_isr
EOF
  if ((BROKERS > 1)); then
    # A killed broker is fenced (dropped from every ISR, its partitions led elsewhere) after this long without a
    # heartbeat. Kafka's 9 s is about as long as a produce request may wait here (KYOYU_INGEST_ACK_TIMEOUT, 10 s);
    # 6 s still rides out a long GC pause on a busy 2-core machine.
    printf '%s\n' broker.session.timeout.ms=6000 broker.heartbeat.interval.ms=1500
  fi
}

# Rewritten on every start so ports from the environment take effect. The controller quorum is
# static (controller.quorum.voters) rather than a formatted dynamic one: then the voter's address
# lives in this file, not in the metadata log, and changing the controller port needs no reformat.
write_config() {
  mkdir -p "$(dirname "$NODE_CONF")" "$NODE_DATA" "$(dirname "$KAFKA_TOOLS_CONF")"
  cat >"$NODE_CONF" <<EOF
# Written by deploy/local/kafka.sh on every start: change deploy/local/env.sh instead.
process.roles=broker,controller
node.id=$NODE_ID
controller.quorum.voters=$(quorum_voters)
listeners=PLAINTEXT://127.0.0.1:$NODE_PORT,CONTROLLER://127.0.0.1:$NODE_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$NODE_PORT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$NODE_DATA

num.partitions=6
$(replication_settings)
# 50 offsets partitions (the default) make the first consumer group on a fresh broker slow to
# start on a 2-core machine, for no benefit here.
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

# The cluster id, chosen once: every broker of the instance is formatted with the same one.
cluster_id() {
  if [[ ! -s $KAFKA_CLUSTER_ID ]]; then
    mkdir -p "$CLUSTER_DIR"
    kafka_tool kafka.tools.StorageTool random-uuid >"$KAFKA_CLUSTER_ID.$$"
    ln "$KAFKA_CLUSTER_ID.$$" "$KAFKA_CLUSTER_ID" 2>/dev/null || true # two brokers racing agree
    rm -f "$KAFKA_CLUSTER_ID.$$"
  fi
  cat "$KAFKA_CLUSTER_ID"
}

# Formats the storage once. A formatted directory keeps its id.
format_storage() {
  [[ -f $NODE_DATA/meta.properties ]] && return 0
  local id
  if ((BROKERS == 1)); then
    id=$(kafka_tool kafka.tools.StorageTool random-uuid)
  else
    id=$(cluster_id)
  fi
  kafka_tool kafka.tools.StorageTool format -t "$id" -c "$NODE_CONF" >/dev/null
  rm -f "$KAFKA_TOPICS_OK"
}

# --- running -----------------------------------------------------------------------------------

running_pid() {
  owned_pid "$NODE_PID" "$NODE_CONF"
}

# The port the broker was started with, which the environment may since have changed.
running_port() {
  sed -n 's|^listeners=PLAINTEXT://127.0.0.1:\([0-9]*\),.*|\1|p' "$NODE_CONF"
}

# Through the broker at $1 (an address), or the whole cluster.
list_topics() {
  kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "${1:-$KYOYU_KAFKA_BOOTSTRAP}" \
    --command-config "$KAFKA_TOOLS_CONF" --list
}

create_topic() {
  kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$KYOYU_KAFKA_BOOTSTRAP" \
    --command-config "$KAFKA_TOOLS_CONF" --create --if-not-exists "$@" >/dev/null 2>&1
}

# Creates the missing ones of $TOPICS, one copy per broker (min.insync.replicas is the brokers' default). Records
# success, so that a later `start` of a running broker has nothing to do, while one interrupted before this point
# still finishes the job. Three copies need three registered brokers, which may take a moment after they answer.
ensure_topics() {
  [[ -f $KAFKA_TOPICS_OK ]] && return 0
  local existing entry name partitions deadline=$((SECONDS + READY_SECONDS))
  local -a configs
  existing=$(list_topics)
  for entry in "${TOPICS[@]}"; do
    name=${entry%%:*} partitions=${entry##*:}
    grep -qxF "$name" <<<"$existing" && continue
    configs=()
    [[ " ${COMPACTED_TOPICS[*]} " == *" $name "* ]] && configs=(--config cleanup.policy=compact)
    until create_topic --topic "$name" --partitions "$partitions" --replication-factor "$BROKERS" "${configs[@]}"; do
      ((SECONDS < deadline)) || die "could not create topic $name with $BROKERS replicas"
      sleep 1
    done
    say "created topic $name ($partitions partitions, $BROKERS replicas)"
  done
  touch "$KAFKA_TOPICS_OK"
}

launch_broker() {
  local heap=(-Xms256m -Xmx512m)
  # Three brokers share the machine with everything else; their load here is light.
  ((BROKERS == 1)) || heap=(-Xms128m -Xmx384m)
  start_detached "$NODE_PID" "$NODE_OUT" \
    java "${heap[@]}" -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$KAFKA_LOG4J" -Dkyoyu.kafka.log="$NODE_LOG" \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$NODE_CONF"
}

# Starts broker $1 unless it runs; adds it to LAUNCHED when it starts now.
LAUNCHED=()
launch_node() {
  local pid
  node "$1"
  if pid=$(running_pid); then
    say "$NODE_NAME: already running (pid $pid, port $(running_port))"
    return 0
  fi
  require_free_port "$NODE_NAME" "$NODE_PORT"
  require_free_port "$NODE_NAME controller" "$NODE_CONTROLLER_PORT"
  write_config
  format_storage
  launch_broker
  running_pid >/dev/null || { show_log_tail "$NODE_OUT"; die "$NODE_NAME exited at once"; }
  LAUNCHED+=("$1")
}

# A listening port is not enough: the broker accepts connections before it serves requests.
await_node() {
  local pid
  node "$1"
  pid=$(running_pid) || { show_log_tail "$NODE_OUT" "$NODE_LOG"; die "$NODE_NAME exited during startup"; }
  if ! wait_ready "$NODE_NAME" "$READY_SECONDS" "$pid" list_topics "127.0.0.1:$NODE_PORT"; then
    show_log_tail "$NODE_OUT" "$NODE_LOG"
    die "$NODE_NAME did not become ready (logs: $NODE_LOG, $NODE_OUT)"
  fi
}

# --- commands ----------------------------------------------------------------------------------

# Every broker named is launched before any is awaited: a broker of three serves nothing until a quorum of
# controllers runs.
cmd_start() {
  local n started=$SECONDS
  local -a which
  use_jdk
  cmd_install # the tools below run from the jars too, even when the broker already runs
  mapfile -t which < <(nodes "${1:-}")
  ((${#which[@]} > 0)) || exit 2
  for n in "${which[@]}"; do launch_node "$n"; done
  for n in "${which[@]}"; do await_node "$n"; done
  ensure_topics
  for n in "${LAUNCHED[@]}"; do
    node "$n"
    say "$NODE_NAME: started in $((SECONDS - started)) s (pid $(running_pid), port $NODE_PORT)"
  done
}

cmd_stop() { end_nodes stopped "${1:-}"; }

# SIGKILL: a broker crash, for drills. The next start recovers the logs.
cmd_kill() { end_nodes killed "${1:-}"; }

# Stops (stop_pid: SIGTERM, SIGKILL after 30 s) or kills (SIGKILL) each broker named by $2, as $1 says.
end_nodes() {
  local how=$1 n pid
  for n in $(nodes "${2:-}"); do
    node "$n"
    if ! pid=$(running_pid); then
      say "$NODE_NAME: not running"
      continue
    fi
    if [[ $how == stopped ]]; then stop_pid "$NODE_NAME" "$pid"; else kill_pid "$pid"; fi
    rm -f "$NODE_PID"
    say "$NODE_NAME: $how (was pid $pid)"
  done
}

# Exits 3 when any broker named is stopped.
cmd_status() {
  local n pid rc=0
  for n in $(nodes "${1:-}"); do
    node "$n"
    if pid=$(running_pid); then
      say "$NODE_NAME: running (pid $pid, port $(running_port), log $NODE_LOG)"
    else
      say "$NODE_NAME: stopped"
      rc=3
    fi
  done
  return "$rc"
}

# The broker's pid (the first one's, when none is named); exit status 3 when it is not running.
cmd_pid() {
  node "$(nodes "${1:-}" | head -n 1)"
  running_pid || exit 3
}

# Prints, or records, the instance's broker count. Three brokers are a cluster of their own beside the single
# broker's data (kafka-1..3 and kafka-cluster instead of kafka), so the count changes only while no broker runs.
cmd_brokers() {
  local count=${1:-} n
  if [[ -z $count ]]; then
    say "$BROKERS"
    return 0
  fi
  [[ $count == 1 || $count == 3 ]] || die "--brokers takes 1 or 3 (three: replication factor 3, min.insync.replicas 2)"
  ((count == BROKERS)) && return 0
  for n in $(nodes); do
    node "$n"
    if running_pid >/dev/null; then die "this instance runs $BROKERS broker(s); stop them first (./kyoyu down) to switch to $count"; fi
  done
  if ((count == 1)); then rm -f "$KYOYU_HOME/kafka.brokers"; else say "$count" >"$KYOYU_HOME/kafka.brokers"; fi
  say "kafka: this instance now runs $count broker(s)"
}

# Checked here, not in a command substitution, so a wrong broker number stops the script.
if [[ ${1:-} != brokers && -n ${2:-} ]]; then nodes "$2" >/dev/null; fi

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start "${2:-}" ;;
  stop) cmd_stop "${2:-}" ;;
  kill) cmd_kill "${2:-}" ;;
  status) cmd_status "${2:-}" ;;
  pid) cmd_pid "${2:-}" ;;
  brokers) cmd_brokers "${2:-}" ;;
  *) usage ;;
esac
