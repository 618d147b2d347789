package dev.kyoyu.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.schemas.event.AgentEvent;
import dev.kyoyu.schemas.event.EventIds;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.schemas.event.EventTypes;
import dev.kyoyu.sink.consume.DeadLetterPublisher;
import dev.kyoyu.testsupport.Await;
import dev.kyoyu.testsupport.ServiceEnv;
import dev.kyoyu.testsupport.TestDatabase;
import dev.kyoyu.testsupport.TestTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The sink against the real broker and database: exactly once, poison to the DLQ, resume from stored offsets. */
class SinkWorkerIT {
    private TestDatabase db;
    private String topic;
    private String dlq;

    @BeforeEach
    void setUp() {
        db = TestDatabase.create();
        topic = TestTopics.create("sink", 3);
        dlq = TestTopics.create("sink-dlq", 1);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private SinkApp startSink(String... settings) {
        Map<String, String> env = ServiceEnv.of(db, topic, dlq);
        env.put("KYOYU_SINK_GROUP", "sink-it-" + topic);
        for (int i = 0; i < settings.length; i += 2) {
            env.put(settings[i], settings[i + 1]);
        }
        return SinkApp.start(SinkConfig.fromEnv(env));
    }

    private static AgentEvent event(UUID runId, String agent, String type, int i) {
        ObjectNode payload = EventJson.MAPPER.createObjectNode().put("i", i).put("text", "line\twith\\escapes\nand \"quotes\" ü");
        Instant now = Instant.now();
        return new AgentEvent(EventIds.newId(), runId, agent, type, now, now, payload);
    }

    private void produce(List<AgentEvent> events) throws Exception {
        try (KafkaProducer<String, byte[]> producer = TestTopics.producer()) {
            for (AgentEvent e : events) {
                producer.send(new ProducerRecord<>(topic, e.agentId(), EventJson.toBytes(e)));
            }
            producer.flush();
        }
    }

    private long storedEvents() {
        return db.queryLong("SELECT count(*) FROM agent_events");
    }

    @Test
    void storesEveryEventOnceAndResumesFromTheOffsetsInPostgres() throws Exception {
        UUID runId = EventIds.newId();
        List<AgentEvent> first = new ArrayList<>();
        first.add(event(runId, "agent-1", EventTypes.RUN_STARTED, -1));
        for (int i = 0; i < 2500; i++) {
            first.add(event(i % 2 == 0 ? runId : EventIds.newId(), "agent-" + (i % 7), "ToolCalled", i));
        }
        try (SinkApp sink = startSink()) {
            produce(first);
            Await.until(Duration.ofSeconds(60), "2501 events stored", () -> storedEvents() == 2501);
        }
        assertEquals(1, db.queryLong("SELECT count(*) FROM agent_runs WHERE id = ? AND status = 'running'", runId));
        assertEquals(2501, db.queryLong("SELECT sum(next_offset) FROM sink_offsets WHERE topic = ?", topic),
                "stored offsets cover exactly what was written");
        assertEquals(2501, db.queryLong("SELECT count(*) FROM agent_events WHERE payload->>'text' = ?",
                "line\twith\\escapes\nand \"quotes\" ü"), "COPY escaping keeps text intact");

        List<AgentEvent> second = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            second.add(event(runId, "agent-1", "ToolCalled", 10_000 + i));
        }
        second.add(event(runId, "agent-1", EventTypes.RUN_COMPLETED, -2));
        produce(second);
        try (SinkApp sink = startSink()) {
            Await.until(Duration.ofSeconds(60), "2802 events stored", () -> storedEvents() == 2802);
        }
        assertEquals(2802, db.queryLong("SELECT count(DISTINCT id) FROM agent_events"), "no event written twice");
        assertEquals(1, db.queryLong("SELECT count(*) FROM agent_runs WHERE id = ? AND status = 'completed'", runId));
    }

    @Test
    @DisplayName("draining a backlog, batches grow past the batch size up to the catch-up size")
    void growsBatchesOnlyWhileBehind() throws Exception {
        List<AgentEvent> backlog = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            backlog.add(event(EventIds.newId(), "agent-" + (i % 50), "ToolCalled", i));
        }
        produce(backlog);
        try (SinkApp sink = startSink("KYOYU_SINK_BATCH_MAX_EVENTS", "500", "KYOYU_SINK_BATCH_CATCH_UP_MAX_EVENTS", "4000")) {
            Await.until(Duration.ofSeconds(60), "the backlog stored", () -> storedEvents() == 20_000);
            // One batch is one transaction, and stored_at is its start time.
            long largest = db.queryLong("SELECT max(n) FROM (SELECT count(*) AS n FROM agent_events GROUP BY stored_at) b");
            // A poll (at most KYOYU_SINK_BATCH_MAX_EVENTS records) can overshoot a limit by less than one poll.
            assertTrue(largest >= 1000 && largest < 4500, "largest batch while behind: " + largest);
        }
    }

    @Test
    void storesAnEventSentTwiceOnlyOnce() throws Exception {
        AgentEvent original = event(EventIds.newId(), "agent-dup", "ToolCalled", 1);
        try (SinkApp sink = startSink()) {
            produce(List.of(original, event(original.runId(), "agent-dup", "ToolCalled", 2)));
            Await.until(Duration.ofSeconds(30), "first two events stored", () -> storedEvents() == 2);
            // A client retry re-publishes the same event in a later batch, next to a new one.
            produce(List.of(original, event(original.runId(), "agent-dup", "ToolCalled", 3)));
            Await.until(Duration.ofSeconds(30), "the new event stored", () -> storedEvents() == 3);
            Await.until(Duration.ofSeconds(30), "offsets past the duplicate",
                    () -> db.queryLong("SELECT sum(next_offset) FROM sink_offsets") == 4);
        }
        assertEquals(1, db.queryLong("SELECT count(*) FROM agent_events WHERE id = ?", original.id()));
    }

    @Test
    void sendsPoisonRecordsToTheDeadLetterTopicAndKeepsTheRestOfTheBatch() throws Exception {
        AgentEvent good = event(EventIds.newId(), "agent-p", "ToolCalled", 1);
        AgentEvent keyMismatch = event(EventIds.newId(), "agent-p", "ToolCalled", 2);
        try (SinkApp sink = startSink();
             KafkaProducer<String, byte[]> producer = TestTopics.producer()) {
            producer.send(new ProducerRecord<>(topic, 0, "agent-p", "not json".getBytes(StandardCharsets.UTF_8))).get(10, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>(topic, 0, "someone-else", EventJson.toBytes(keyMismatch))).get(10, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>(topic, 0, "agent-p", EventJson.toBytes(good))).get(10, TimeUnit.SECONDS);
            Await.until(Duration.ofSeconds(30), "the good event stored", () -> storedEvents() == 1);
            Await.until(Duration.ofSeconds(30), "offsets past all three records",
                    () -> db.queryLong("SELECT coalesce(sum(next_offset), 0) FROM sink_offsets WHERE kafka_partition = 0") == 3);
        }
        List<ConsumerRecord<String, byte[]>> dead = TestTopics.readAll(dlq, 2, Duration.ofSeconds(10));
        assertEquals(2, dead.size());
        ConsumerRecord<String, byte[]> notJson = dead.stream().filter(r -> header(r, DeadLetterPublisher.SOURCE_OFFSET).equals("0")).findFirst().orElseThrow();
        assertEquals("not json", new String(notJson.value(), StandardCharsets.UTF_8), "the dead letter keeps the original bytes");
        assertEquals(topic, header(notJson, DeadLetterPublisher.SOURCE_TOPIC));
        assertEquals("0", header(notJson, DeadLetterPublisher.SOURCE_PARTITION));
        assertTrue(header(notJson, DeadLetterPublisher.ERROR_MESSAGE).contains("not an agent event"));
        assertTrue(header(notJson, DeadLetterPublisher.ERROR_CLASS).endsWith("PoisonRecordException"));
        assertEquals(1, db.queryLong("SELECT count(*) FROM agent_events WHERE id = ?", good.id()));
    }

    @Test
    void deadLettersAnEventThatBreaksAConstraintAndStoresTheRestOfItsBatch() throws Exception {
        try (var connection = db.connect(); var statement = connection.createStatement()) {
            // An operator's rule the sink knows nothing about: PostgreSQL is the judge.
            statement.execute("ALTER TABLE agent_events ADD CONSTRAINT no_forbidden CHECK (event_type <> 'Forbidden')");
        }
        UUID runId = EventIds.newId();
        List<AgentEvent> batch = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            batch.add(event(runId, "agent-c", i == 6 ? "Forbidden" : "ToolCalled", i));
        }
        try (SinkApp sink = startSink()) {
            produce(batch);
            Await.until(Duration.ofSeconds(30), "offsets past all ten records",
                    () -> db.queryLong("SELECT coalesce(sum(next_offset), 0) FROM sink_offsets") == 10);
        }
        assertEquals(9, storedEvents());
        assertEquals(0, db.queryLong("SELECT count(*) FROM agent_events WHERE id = ?", batch.get(6).id()));
        List<ConsumerRecord<String, byte[]>> dead = TestTopics.readAll(dlq, 1, Duration.ofSeconds(10));
        assertEquals(1, dead.size());
        assertEquals(batch.get(6).id(), EventJson.fromBytes(dead.get(0).value()).id());
        assertTrue(header(dead.get(0), DeadLetterPublisher.ERROR_MESSAGE).contains("no_forbidden"));
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
