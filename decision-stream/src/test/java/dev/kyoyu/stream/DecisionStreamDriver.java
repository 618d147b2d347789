package dev.kyoyu.stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.schemas.decision.ConflictRecord;
import dev.kyoyu.schemas.decision.DecisionRecord;
import dev.kyoyu.schemas.decision.RejectedDecisionEvent;
import dev.kyoyu.schemas.event.AgentEvent;
import dev.kyoyu.schemas.event.EventIds;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.stream.topology.DecisionTopology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The decision topology under {@link TopologyTestDriver}, with the same configuration the app builds, plus
 * helpers that post events the way the ingest API publishes them. The wall clock starts at {@link #T0}.
 */
public final class DecisionStreamDriver implements AutoCloseable {
    public static final Instant T0 = Instant.parse("2026-11-22T12:00:00Z");

    private final TopologyTestDriver driver;
    private final TestInputTopic<String, byte[]> events;
    private final TestInputTopic<String, byte[]> decisionsIn;
    private final TestOutputTopic<String, byte[]> decisions;
    private final TestOutputTopic<String, byte[]> conflicts;
    private final TestOutputTopic<String, byte[]> rejected;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private Instant clock = T0;

    public DecisionStreamDriver() {
        this(Map.of());
    }

    public DecisionStreamDriver(Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>(overrides);
        env.put("KYOYU_KAFKA_BOOTSTRAP", "unused:9092");
        try {
            env.put("KYOYU_STREAM_STATE_DIR", Files.createTempDirectory("decision-stream-test").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StreamConfig config = StreamConfig.fromEnv(env);
        StreamMetrics metrics = new StreamMetrics(registry);
        Properties props = StreamApp.properties(config, metrics);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "decision-stream-test-" + UUID.randomUUID());
        driver = new TopologyTestDriver(DecisionTopology.build(config, metrics), props, T0);
        events = driver.createInputTopic(config.eventsTopic(), new StringSerializer(), new ByteArraySerializer());
        decisionsIn = driver.createInputTopic(config.decisionsTopic(), new StringSerializer(), new ByteArraySerializer());
        decisions = driver.createOutputTopic(config.decisionsTopic(), new StringDeserializer(), new ByteArrayDeserializer());
        conflicts = driver.createOutputTopic(config.conflictsTopic(), new StringDeserializer(), new ByteArrayDeserializer());
        rejected = driver.createOutputTopic(config.rejectedTopic(), new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** Publishes an event of the run, as the ingest API would, received now. Returns it. */
    public AgentEvent post(UUID runId, String agentId, String eventType, String payloadJson) {
        return post(EventIds.newId(), runId, agentId, eventType, payloadJson);
    }

    public AgentEvent post(UUID eventId, UUID runId, String agentId, String eventType, String payloadJson) {
        try {
            AgentEvent event = new AgentEvent(eventId, runId, agentId, eventType, clock, clock,
                    (ObjectNode) EventJson.MAPPER.readTree(payloadJson.replace('\'', '"')));
            post(event);
            return event;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Publishes the event again, byte for byte: what a client retry with the same ids puts on the topic. */
    public void post(AgentEvent event) {
        events.pipeInput(new TestRecord<>(event.agentId(), EventJson.toBytes(event), clock));
    }

    /** A whole decision through DecisionTraced, as POST /v1/trace publishes it; returns the decision id. */
    public UUID trace(String agentId, String decisionType, String outcome, Instant validFrom) {
        UUID id = EventIds.newId();
        post(EventIds.newId(), agentId, "DecisionTraced", "{'id':'" + id + "','decision_type':'" + decisionType
                + "','outcome':'" + outcome + "','valid_from':'" + validFrom + "'}");
        return id;
    }

    /** Puts a decision on the decisions topic directly, e.g. a second copy of one already there. */
    public void republish(DecisionRecord decision) {
        decisionsIn.pipeInput(new TestRecord<>(decision.decisionType(), decision.toBytes(), clock));
    }

    public void republishRaw(String key, byte[] value) {
        decisionsIn.pipeInput(new TestRecord<>(key, value, clock));
    }

    public void postRaw(String key, byte[] value) {
        events.pipeInput(new TestRecord<>(key, value, clock));
    }

    /** Moves the wall clock and the time events are received at. */
    public void advance(Duration duration) {
        clock = clock.plus(duration);
        driver.advanceWallClockTime(duration);
    }

    public Instant now() {
        return clock;
    }

    public List<DecisionRecord> decisions() {
        return decisions.readValuesToList().stream().map(bytes -> read(bytes, DecisionRecord.class)).toList();
    }

    /** Decisions with their record keys. */
    public Map<String, DecisionRecord> decisionsByKey() {
        Map<String, DecisionRecord> byKey = new HashMap<>();
        decisions.readKeyValuesToList().forEach(kv -> byKey.put(kv.key, read(kv.value, DecisionRecord.class)));
        return byKey;
    }

    public List<ConflictRecord> conflicts() {
        return conflicts.readValuesToList().stream().map(bytes -> read(bytes, ConflictRecord.class)).toList();
    }

    /** The rejected topic's records with their headers (the exception handlers' reports carry the source there). */
    public List<TestRecord<String, byte[]>> rejectedRecords() {
        return rejected.readRecordsToList();
    }

    public static String header(TestRecord<String, byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    public static RejectedDecisionEvent report(TestRecord<String, byte[]> record) {
        return read(record.value(), RejectedDecisionEvent.class);
    }

    public List<RejectedDecisionEvent> rejected() {
        return rejected.readValuesToList().stream().map(bytes -> read(bytes, RejectedDecisionEvent.class)).toList();
    }

    /** The value of a counter of this driver's metrics, summed over its tags. */
    public double counter(String name) {
        return registry.find(name).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    public double counter(String name, String tag, String value) {
        return registry.find(name).tag(tag, value).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private static <T> T read(byte[] bytes, Class<T> type) {
        try {
            return EventJson.MAPPER.readValue(bytes, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.close();
    }
}
