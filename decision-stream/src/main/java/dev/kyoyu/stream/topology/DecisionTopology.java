package dev.kyoyu.stream.topology;

import dev.kyoyu.schemas.decision.DecisionRecord;
import dev.kyoyu.stream.StreamConfig;
import dev.kyoyu.stream.StreamMetrics;
import dev.kyoyu.stream.assembly.DecisionAssembler;
import dev.kyoyu.stream.assembly.KnownDecision;
import dev.kyoyu.stream.assembly.OpenDecision;
import dev.kyoyu.stream.conflicts.Candidate;
import dev.kyoyu.stream.conflicts.ConflictDetector;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The decision stream, in two sub-topologies joined by the public topic between them:
 * <pre>
 *   kyoyu.events.v1 (key agent_id) -> assemble -> kyoyu.decisions.v1 (key decision_type)
 *                                              -> kyoyu.decisions.rejected.v1 (key agent_id)
 *   kyoyu.decisions.v1 (key decision_type) -> detect-conflicts -> kyoyu.conflicts.v1 (key decision_type)
 * </pre>
 * Conflict detection reads back exactly what was published, so a conflict never names a decision that is not on
 * the decisions topic; keying that topic by decision_type co-partitions everything a conflict compares without a
 * repartition topic. A record either source cannot read, or a processor cannot process, goes to the rejected
 * topic by way of Kafka Streams' exception handlers (see {@code StreamApp#properties}).
 */
public final class DecisionTopology {
    private DecisionTopology() {
    }

    public static Topology build(StreamConfig config, StreamMetrics metrics) {
        Topology topology = new Topology();
        topology.addSource("events", new StringDeserializer(), new RelevantEventDeserializer(), config.eventsTopic());
        topology.addProcessor("assemble",
                () -> new DecisionAssembler(metrics, config.openDecisionTimeout(), config.maxDecisionBytes()), "events");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DecisionAssembler.OPEN_STORE),
                Serdes.String(), new JsonSerde<>(OpenDecision.class)), "assemble");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DecisionAssembler.OPEN_IDS_STORE),
                Serdes.String(), Serdes.String()), "assemble");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DecisionAssembler.KNOWN_STORE),
                Serdes.String(), new JsonSerde<>(KnownDecision.class)), "assemble");
        topology.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(DecisionAssembler.SEEN_STORE, config.repeatWindow(), config.repeatWindow(), false),
                Serdes.String(), Serdes.Long()), "assemble");
        topology.addSink(DecisionAssembler.DECISIONS_CHILD, config.decisionsTopic(),
                new StringSerializer(), new ByteArraySerializer(), "assemble");
        topology.addSink(DecisionAssembler.REJECTED_CHILD, config.rejectedTopic(),
                new StringSerializer(), new ByteArraySerializer(), "assemble");

        topology.addSource("decisions", new StringDeserializer(), new ContractDeserializer<>("a decision", DecisionRecord::fromBytes),
                config.decisionsTopic());
        topology.addProcessor("detect-conflicts",
                () -> new ConflictDetector(metrics, config.conflictWindow(), config.conflictRetention()), "decisions");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ConflictDetector.INDEX_STORE),
                Serdes.String(), new JsonSerde<>(Candidate.class)), "detect-conflicts");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ConflictDetector.SEEN_STORE),
                Serdes.String(), new JsonSerde<>(Candidate.class)), "detect-conflicts");
        topology.addSink("conflicts-out", config.conflictsTopic(), new StringSerializer(), new ByteArraySerializer(), "detect-conflicts");
        return topology;
    }
}
