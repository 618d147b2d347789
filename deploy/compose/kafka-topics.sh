#!/bin/bash
# The kafka-init service: creates the topics the services expect, as deploy/local/kafka.sh does for the local
# stack (automatic topic creation is off, so a typo in a topic name fails loudly), here at replication
# factor 3 with min.insync.replicas 2: an acknowledged event is on two brokers at least. The decision
# stream creates its own topics (KYOYU_STREAM_TOPIC_REPLICATION=3 in docker-compose.yml). Idempotent.
set -euo pipefail
BOOTSTRAP="${KAFKA_BOOTSTRAP:-kafka-1:9092,kafka-2:9092,kafka-3:9092}"
TOPICS=/opt/kafka/bin/kafka-topics.sh

create() {
  local name=$1 partitions=$2
  shift 2
  "$TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic "$name" \
    --partitions "$partitions" --replication-factor 3 --config min.insync.replicas=2 "$@"
  echo "topic $name: $partitions partitions, replication factor 3, min.insync.replicas 2"
}

create kyoyu.events.v1 6
create kyoyu.events.dlq 6
# The identity topic is the log of record of agents, keys, roles and grants: compacted, never deleted by age.
create kyoyu.identities.v1 1 --config cleanup.policy=compact
