package dev.kyoyu.sink;

import static dev.kyoyu.sink.SinkRecords.bytes;
import static dev.kyoyu.sink.SinkRecords.header;
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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the sink derives matches by agent as well as id: nothing agent A writes suppresses, closes or alters
 * agent B's event, run or decision. (Ingest refuses these at the door; this is the defence behind it.)
 */
class OwnershipIT {
    private static final String A = "agent-a-owner";
    private static final String B = "agent-b-owner";
    private TestDatabase db;
    private String topic;
    private String dlq;

    @BeforeEach
    void setUp() {
        db = TestDatabase.create();
        topic = TestTopics.create("ownership", 2);
        dlq = TestTopics.create("ownership-dlq", 1);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private SinkApp startSink() {
        Map<String, String> env = ServiceEnv.of(db, topic, dlq);
        env.put("KYOYU_SINK_GROUP", "sink-ownership-it-" + topic);
        return SinkApp.start(SinkConfig.fromEnv(env));
    }

    private void send(String agent, ObjectNode... events) throws Exception {
        try (KafkaProducer<String, byte[]> producer = TestTopics.producer()) {
            for (ObjectNode event : events) {
                producer.send(new ProducerRecord<>(topic, agent, bytes(event))).get(10, TimeUnit.SECONDS);
            }
        }
    }

    private long recordsRead() {
        return db.queryLong("SELECT coalesce(sum(next_offset), 0) FROM sink_offsets WHERE topic = ?", topic);
    }

    @Test
    void anotherAgentsEventUnderTheSameIdAndTimeIsStoredToo() throws Exception {
        UUID sharedId = EventIds.newId();
        String sameTime = Instant.now().toString();
        ObjectNode bFirst = SinkRecords.event(sharedId, EventIds.newId(), B, "ToolCalled", EventJson.MAPPER.createObjectNode().put("by", B))
                .put("occurred_at", sameTime);
        ObjectNode aSquat = SinkRecords.event(sharedId, EventIds.newId(), A, "ToolCalled", EventJson.MAPPER.createObjectNode().put("by", A))
                .put("occurred_at", sameTime);
        ObjectNode bRetry = bFirst.deepCopy();
        try (SinkApp sink = startSink()) {
            send(A, aSquat);
            Await.until(Duration.ofSeconds(30), "A's event stored", () -> db.queryLong("SELECT count(*) FROM agent_events") == 1);
            send(B, bFirst);
            send(B, bRetry);
            Await.until(Duration.ofSeconds(30), "every record read", () -> recordsRead() == 3);
        }
        assertEquals(1, db.queryLong("SELECT count(*) FROM agent_events WHERE id = ? AND agent_id = ?", sharedId, A));
        assertEquals(1, db.queryLong("SELECT count(*) FROM agent_events WHERE id = ? AND agent_id = ?", sharedId, B),
                "B's event is not A's retry, and B's own retry is still recognised as one");
    }

    @Test
    void anotherAgentsLifecycleEventNeverAltersTheRunAndIsDeadLettered() throws Exception {
        UUID bRun = EventIds.newId();
        ObjectNode bStart = SinkRecords.event(EventIds.newId(), bRun, B, EventTypes.RUN_STARTED, EventJson.MAPPER.createObjectNode());
        ObjectNode aComplete = SinkRecords.event(EventIds.newId(), bRun, A, EventTypes.RUN_COMPLETED, EventJson.MAPPER.createObjectNode());
        ObjectNode aFail = SinkRecords.event(EventIds.newId(), bRun, A, EventTypes.RUN_FAILED, EventJson.MAPPER.createObjectNode());
        ObjectNode aOrdinary = SinkRecords.ordinary(A, 1);
        try (SinkApp sink = startSink()) {
            send(B, bStart);
            Await.until(Duration.ofSeconds(30), "B's run stored", () -> db.queryLong("SELECT count(*) FROM agent_runs WHERE id = ?", bRun) == 1);
            send(A, aComplete, aFail, aOrdinary);
            Await.until(Duration.ofSeconds(30), "every record read", () -> recordsRead() == 4);
        }
        assertEquals(1, db.queryLong("SELECT count(*) FROM agent_runs WHERE id = ? AND agent_id = ? AND status = 'running'"
                + " AND completed_at IS NULL", bRun, B), "B's run untouched");
        assertEquals(1, db.queryLong("SELECT count(*) FROM agent_events WHERE id = ?", SinkRecords.id(aOrdinary)), "A's own event stored");
        List<ConsumerRecord<String, byte[]>> dead = TestTopics.readAll(dlq, 2, Duration.ofSeconds(10));
        assertEquals(2, dead.size());
        dead.forEach(r -> assertTrue(header(r, DeadLetterPublisher.ERROR_MESSAGE).contains("belongs to another agent"),
                header(r, DeadLetterPublisher.ERROR_MESSAGE)));
    }

    @Test
    void anotherAgentsDecisionUnderTheSameIdLeavesTheFirstIntactAndIsDeadLettered() throws Exception {
        UUID decisionId = EventIds.newId();
        ObjectNode bDecision = SinkRecords.event(EventIds.newId(), EventIds.newId(), B, EventTypes.DECISION_TRACED,
                SinkRecords.decision(decisionId, "approve", "2026-12-01T10:00:00Z"));
        ObjectNode aDecision = SinkRecords.decision(decisionId, "reject", "2026-12-02T10:00:00Z");
        aDecision.putArray("alternatives").addObject().put("label", "reject").put("selected", true);
        ObjectNode aSquat = SinkRecords.event(EventIds.newId(), EventIds.newId(), A, EventTypes.DECISION_TRACED, aDecision);
        try (SinkApp sink = startSink()) {
            send(B, bDecision);
            Await.until(Duration.ofSeconds(30), "B's decision stored", () -> db.queryLong("SELECT count(*) FROM decisions WHERE id = ?", decisionId) == 1);
            send(A, aSquat);
            Await.until(Duration.ofSeconds(30), "every record read", () -> recordsRead() == 2);
        }
        assertEquals(1, db.queryLong("SELECT count(*) FROM decisions WHERE id = ? AND agent_id = ? AND outcome = 'approve'"
                + " AND valid_to IS NULL", decisionId, B), "B's decision intact");
        assertEquals(0, db.queryLong("SELECT count(*) FROM alternatives WHERE decision_id = ?", decisionId), "no children added by A");
        assertEquals(0, db.queryLong("SELECT count(*) FROM agent_events WHERE id = ?", SinkRecords.id(aSquat)));
        List<ConsumerRecord<String, byte[]>> dead = TestTopics.readAll(dlq, 1, Duration.ofSeconds(10));
        assertEquals(1, dead.size());
        assertTrue(header(dead.getFirst(), DeadLetterPublisher.ERROR_MESSAGE).contains("belongs to another agent"));
    }
}
