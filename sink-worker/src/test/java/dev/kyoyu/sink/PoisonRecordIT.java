package dev.kyoyu.sink;

import static dev.kyoyu.sink.SinkRecords.bytes;
import static dev.kyoyu.sink.SinkRecords.header;
import static dev.kyoyu.sink.SinkRecords.id;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One record can never stop storage: records no stage can store, written straight to the topic between
 * ordinary events of the same partition, go to the dead-letter topic with their reason; every ordinary event is
 * stored exactly once and the worker stays healthy throughout.
 */
class PoisonRecordIT {
    private static final String AGENT = "agent-poison";
    private TestDatabase db;
    private String topic;
    private String dlq;

    @BeforeEach
    void setUp() {
        db = TestDatabase.create();
        topic = TestTopics.create("poison", 1);
        dlq = TestTopics.create("poison-dlq", 1);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private SinkApp startSink() {
        Map<String, String> env = ServiceEnv.of(db, topic, dlq);
        env.put("KYOYU_SINK_GROUP", "sink-poison-it-" + topic);
        return SinkApp.start(SinkConfig.fromEnv(env));
    }

    @Test
    void poisonRecordsAreDeadLetteredWithTheirReasonAndEveryOrdinaryEventIsStoredOnceWhileHealthy() throws Exception {
        UUID farDecision = EventIds.newId();
        ObjectNode decisionBeyondAnyTime = SinkRecords.event(EventIds.newId(), EventIds.newId(), AGENT, EventTypes.DECISION_TRACED,
                SinkRecords.decision(farDecision, "approve", "+999999999-12-31T23:59:59Z"));
        ObjectNode eventBeyondAnyTime = SinkRecords.ordinary(AGENT, -1).put("occurred_at", "+999999999-12-31T23:59:59Z");
        // JSON that parses, but whose lone surrogate jsonb refuses: PostgreSQL's data error, mid-COPY.
        String unstorableText = new String(bytes(SinkRecords.ordinary(AGENT, -2)), StandardCharsets.UTF_8)
                .replace("\"i\":-2", "\"i\":-2,\"text\":\"\\ud800\"");
        UUID ordinaryDecision = EventIds.newId();
        ObjectNode decision = SinkRecords.event(EventIds.newId(), EventIds.newId(), AGENT, EventTypes.DECISION_TRACED,
                SinkRecords.decision(ordinaryDecision, "approve", "2026-12-01T10:00:00Z"));

        List<byte[]> records = new ArrayList<>();
        List<UUID> ordinary = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ObjectNode event = SinkRecords.ordinary(AGENT, i);
            ordinary.add(id(event));
            records.add(bytes(event));
            switch (i) {
                case 9 -> records.add(bytes(decisionBeyondAnyTime));
                case 19 -> records.add(bytes(eventBeyondAnyTime));
                case 29 -> records.add(unstorableText.getBytes(StandardCharsets.UTF_8));
                case 34 -> {
                    records.add(bytes(decision));
                    ordinary.add(id(decision));
                }
                default -> {
                }
            }
        }

        AtomicInteger unhealthyAnswers = new AtomicInteger();
        try (SinkApp sink = startSink()) {
            Await.until(Duration.ofSeconds(30), "the sink healthy", () -> SinkRecords.health(sink) == 200);
            try (KafkaProducer<String, byte[]> producer = TestTopics.producer()) {
                for (byte[] value : records) {
                    producer.send(new ProducerRecord<>(topic, 0, AGENT, value)).get(10, TimeUnit.SECONDS);
                }
            }
            Await.until(Duration.ofSeconds(60), "offsets past every record", () -> {
                if (SinkRecords.health(sink) != 200) {
                    unhealthyAnswers.incrementAndGet();
                }
                return db.queryLong("SELECT coalesce(sum(next_offset), 0) FROM sink_offsets WHERE topic = ?", topic) == records.size();
            });
            assertEquals(200, SinkRecords.health(sink), "healthy after the poison");
        }
        assertEquals(0, unhealthyAnswers.get(), "the sink never reported unhealthy: a poison record is no outage");
        assertEquals(ordinary.size(), db.queryLong("SELECT count(*) FROM agent_events"), "every ordinary event, nothing else");
        for (UUID event : ordinary) {
            assertEquals(1, db.queryLong("SELECT count(*) FROM agent_events WHERE id = ?", event), "stored once: " + event);
        }
        assertEquals(1, db.queryLong("SELECT count(*) FROM decisions WHERE id = ?", ordinaryDecision));
        assertEquals(0, db.queryLong("SELECT count(*) FROM decisions WHERE id = ?", farDecision));

        List<ConsumerRecord<String, byte[]>> dead = TestTopics.readAll(dlq, 3, Duration.ofSeconds(10));
        assertEquals(3, dead.size());
        assertTrue(reason(dead, id(decisionBeyondAnyTime)).contains("valid_from"), reason(dead, id(decisionBeyondAnyTime)));
        assertTrue(reason(dead, id(eventBeyondAnyTime)).contains("occurred_at"), reason(dead, id(eventBeyondAnyTime)));
        UUID unstorable = id((ObjectNode) EventJson.MAPPER.readTree(unstorableText));
        assertTrue(!reason(dead, unstorable).isBlank());
    }

    private static String reason(List<ConsumerRecord<String, byte[]>> dead, UUID eventId) {
        String idText = "\"" + eventId + "\"";
        return dead.stream()
                .filter(r -> new String(r.value(), StandardCharsets.UTF_8).contains(idText))
                .map(r -> header(r, DeadLetterPublisher.ERROR_MESSAGE))
                .findFirst().orElseThrow(() -> new AssertionError("no dead letter for " + eventId));
    }
}
