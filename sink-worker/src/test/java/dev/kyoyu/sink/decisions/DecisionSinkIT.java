package dev.kyoyu.sink.decisions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.schemas.decision.ConflictRecord;
import dev.kyoyu.schemas.decision.DecisionRecord;
import dev.kyoyu.schemas.event.AgentEvent;
import dev.kyoyu.schemas.event.EventIds;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.schemas.event.EventTypes;
import dev.kyoyu.schemas.event.TracedDecision;
import dev.kyoyu.sink.SinkApp;
import dev.kyoyu.sink.SinkConfig;
import dev.kyoyu.sink.consume.DeadLetterPublisher;
import dev.kyoyu.testsupport.Await;
import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.ServiceEnv;
import dev.kyoyu.testsupport.TestDatabase;
import dev.kyoyu.testsupport.TestStack;
import dev.kyoyu.testsupport.TestTopics;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The sink's decisions path against the real broker and database: exactly once, revisions close rows, conflicts stored. */
class DecisionSinkIT {
    private static final Instant T = Instant.parse("2026-11-22T09:00:00Z");
    private TestDatabase db;
    private String events;
    private String dlq;
    private String decisions;
    private String conflicts;

    @BeforeEach
    void setUp() {
        db = TestDatabase.create();
        events = TestTopics.create("dsink-events", 1);
        dlq = TestTopics.create("dsink-dlq", 1);
        decisions = TestTopics.create("dsink-decisions", 3);
        conflicts = TestTopics.create("dsink-conflicts", 3);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private SinkApp startSink() {
        Map<String, String> env = ServiceEnv.of(db, events, dlq);
        env.put("KYOYU_SINK_DECISIONS", "true");
        env.put("KYOYU_DECISIONS_TOPIC", decisions);
        env.put("KYOYU_CONFLICTS_TOPIC", conflicts);
        return SinkApp.start(SinkConfig.fromEnv(env));
    }

    private static DecisionRecord decision(String agent, String outcome, Instant validFrom, UUID revises) {
        return new DecisionRecord(EventIds.newId(), EventIds.newId(), agent, "loan_approval", outcome, 0.7, "because",
                null, validFrom, null, revises,
                List.of(new TracedDecision.Alternative(outcome, 0.7, true, null), new TracedDecision.Alternative("review", 0.3, false, "slow")),
                List.of(new TracedDecision.Evidence("document", "s3://x", "payslip", 0.9)), EventIds.newId());
    }

    private void publish(String topic, String key, byte[] value) throws Exception {
        try (KafkaProducer<String, byte[]> producer = TestTopics.producer()) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    private long count(String sql, Object... params) {
        return db.queryLong(sql, params);
    }

    @Test
    @DisplayName("decisions and conflicts are stored once, with their offsets, across a restart and a second copy")
    void storesDecisionsAndConflictsExactlyOnce() throws Exception {
        DecisionRecord a = decision("agent-a", "approve", T, null);
        DecisionRecord b = decision("agent-b", "deny", T.plusSeconds(60), null);
        ConflictRecord conflict = new ConflictRecord(ConflictRecord.idFor(a.id(), b.id()), "loan_approval", a.id(), b.id(),
                "agent-a", "agent-b", "approve", "deny", T.plusSeconds(61));
        try (SinkApp sink = startSink()) {
            publish(decisions, a.decisionType(), a.toBytes());
            publish(decisions, b.decisionType(), b.toBytes());
            publish(conflicts, conflict.decisionType(), conflict.toBytes());
            Await.until(Duration.ofSeconds(30), "two decisions and a conflict stored",
                    () -> count("SELECT count(*) FROM decisions") == 2 && count("SELECT count(*) FROM conflicts") == 1);
        }
        assertEquals(4, count("SELECT count(*) FROM alternatives"));
        assertEquals(2, count("SELECT count(*) FROM evidence"));
        assertEquals(1, count("SELECT count(*) FROM conflicts WHERE id = ? AND decision_a_id = ? AND agent_b_id = 'agent-b'"
                + " AND outcome_a = 'approve' AND detected_at = ?", conflict.id(), a.id(), Timestamp.from(conflict.detectedAt())));
        assertEquals(2, count("SELECT sum(next_offset) FROM sink_offsets WHERE topic = ?", decisions));
        assertEquals(1, count("SELECT sum(next_offset) FROM sink_offsets WHERE topic = ?", conflicts));

        // A second copy on each topic, read by a restarted worker from the stored offsets.
        publish(decisions, a.decisionType(), a.toBytes());
        publish(conflicts, conflict.decisionType(), conflict.toBytes());
        try (SinkApp sink = startSink()) {
            Await.until(Duration.ofSeconds(30), "the copies read",
                    () -> count("SELECT sum(next_offset) FROM sink_offsets WHERE topic IN (?, ?)", decisions, conflicts) == 5);
        }
        assertEquals(2, count("SELECT count(*) FROM decisions"));
        assertEquals(1, count("SELECT count(*) FROM conflicts"));
        assertEquals(4, count("SELECT count(*) FROM alternatives"));
    }

    @Test
    @DisplayName("a revision closes the row it revises at its own valid_from and leaves the rest of it as it was")
    void aRevisionClosesTheRowItRevises() throws Exception {
        DecisionRecord original = decision("agent-a", "approve", T, null);
        DecisionRecord revision = decision("agent-a", "deny", T.plus(Duration.ofHours(2)), original.id());
        try (SinkApp sink = startSink()) {
            publish(decisions, original.decisionType(), original.toBytes());
            Await.until(Duration.ofSeconds(30), "the original stored", () -> count("SELECT count(*) FROM decisions") == 1);
            publish(decisions, revision.decisionType(), revision.toBytes());
            Await.until(Duration.ofSeconds(30), "the revision stored", () -> count("SELECT count(*) FROM decisions") == 2);
        }
        assertEquals(1, count("SELECT count(*) FROM decisions WHERE id = ? AND outcome = 'approve' AND valid_from = ? AND valid_to = ?",
                original.id(), Timestamp.from(T), Timestamp.from(revision.validFrom())));
        assertEquals(1, count("SELECT count(*) FROM decisions WHERE id = ? AND revises = ? AND valid_to IS NULL",
                revision.id(), original.id()));
        assertEquals(1, count("SELECT count(*) FROM decisions WHERE valid_to IS NULL"), "one current version");
        assertTrue(count("SELECT count(*) FROM decisions WHERE id = ? AND transaction_time > ?", original.id(), Timestamp.from(T)) == 1);
    }

    @Test
    @DisplayName("a revision stored before the traced decision it revises still closes it when that arrives")
    void aRevisionThatArrivesFirstClosesTheDecisionLater() throws Exception {
        UUID runId = EventIds.newId();
        UUID originalId = EventIds.newId();
        TracedDecision traced = new TracedDecision(originalId, "loan_approval", "approve", 0.8, null,
                EventJson.MAPPER.createObjectNode(), T, List.of(), List.of());
        AgentEvent tracedEvent = new AgentEvent(EventIds.newId(), runId, "agent-a", EventTypes.DECISION_TRACED, T, T,
                EventJson.MAPPER.valueToTree(traced));
        DecisionRecord revision = decision("agent-a", "deny", T.plusSeconds(600), originalId);
        try (SinkApp sink = startSink()) {
            publish(decisions, revision.decisionType(), revision.toBytes());
            Await.until(Duration.ofSeconds(30), "the revision stored", () -> count("SELECT count(*) FROM decisions") == 1);
            publish(events, "agent-a", EventJson.toBytes(tracedEvent));
            Await.until(Duration.ofSeconds(30), "the traced decision stored",
                    () -> count("SELECT count(*) FROM decisions WHERE id = ?", originalId) == 1);
        }
        assertEquals(1, count("SELECT count(*) FROM decisions WHERE id = ? AND valid_to = ?", originalId, Timestamp.from(revision.validFrom())));
    }

    @Test
    @DisplayName("a worker started before the decision stream created its topics stores decisions once they exist")
    void waitsForTopicsThatDoNotExistYet() throws Exception {
        decisions = "test.dsink-later-decisions." + UUID.randomUUID().toString().substring(0, 8);
        conflicts = "test.dsink-later-conflicts." + UUID.randomUUID().toString().substring(0, 8);
        DecisionRecord d = decision("agent-a", "approve", T, null);
        try (SinkApp sink = startSink()) {
            HttpJson health = new HttpJson(sink.port());
            Await.until(Duration.ofSeconds(30), "the sink says it waits for the topics", () ->
                    health.get("/health", null).body().path("data").path("checks").path("decisions").path("reason").asText().contains("waiting"));
            assertEquals(200, health.get("/health", null).status(), "the events keep flowing meanwhile");
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestStack.kafkaBootstrap()))) {
                admin.createTopics(List.of(new NewTopic(decisions, 1, (short) 1), new NewTopic(conflicts, 1, (short) 1))).all().get();
            }
            publish(decisions, d.decisionType(), d.toBytes());
            Await.until(Duration.ofSeconds(30), "the decision stored", () -> count("SELECT count(*) FROM decisions") == 1);
        }
    }

    @Test
    @DisplayName("a record that is not a decision is dead-lettered and the rest is stored")
    void deadLettersWhatIsNotADecision() throws Exception {
        DecisionRecord good = decision("agent-a", "approve", T, null);
        try (SinkApp sink = startSink()) {
            publish(decisions, "loan_approval", "{\"id\":\"not a decision\"}".getBytes(StandardCharsets.UTF_8));
            publish(decisions, good.decisionType(), good.toBytes());
            Await.until(Duration.ofSeconds(30), "the good decision stored", () -> count("SELECT count(*) FROM decisions") == 1);
        }
        List<ConsumerRecord<String, byte[]>> dead = TestTopics.readAll(dlq, 1, Duration.ofSeconds(10));
        assertEquals(1, dead.size());
        assertEquals(decisions, new String(dead.get(0).headers().lastHeader(DeadLetterPublisher.SOURCE_TOPIC).value(), StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("a stream decision reusing or revising another agent's decision id is dead-lettered; the owner's decision stays as it was")
    void anotherAgentsDecisionIdIsNeverOverwrittenOrRevised() throws Exception {
        DecisionRecord owners = decision("agent-owner", "approve", T, null);
        DecisionRecord squat = decision("agent-squatter", "deny", T.plusSeconds(5), null);
        DecisionRecord reused = new DecisionRecord(owners.id(), squat.runId(), squat.agentId(), squat.decisionType(), "deny",
                0.1, "mine now", null, T.plusSeconds(5), null, null, List.of(), List.of(), squat.sourceEventId());
        DecisionRecord revision = decision("agent-squatter", "deny", T.plusSeconds(10), owners.id());
        try (SinkApp sink = startSink()) {
            publish(decisions, owners.decisionType(), owners.toBytes());
            Await.until(Duration.ofSeconds(30), "the owner's decision stored", () -> count("SELECT count(*) FROM decisions WHERE id = ?", owners.id()) == 1);
            publish(decisions, reused.decisionType(), reused.toBytes());
            publish(decisions, revision.decisionType(), revision.toBytes());
            Await.until(Duration.ofSeconds(30), "every decision record read",
                    () -> count("SELECT coalesce(sum(next_offset), 0) FROM sink_offsets WHERE topic = ?", decisions) == 3);
        }
        assertEquals(1, count("SELECT count(*) FROM decisions WHERE id = ? AND agent_id = 'agent-owner' AND outcome = 'approve'"
                + " AND valid_to IS NULL", owners.id()), "the owner's decision neither overwritten nor closed");
        assertEquals(0, count("SELECT count(*) FROM decisions WHERE id = ?", revision.id()));
        List<ConsumerRecord<String, byte[]>> dead = TestTopics.readAll(dlq, 2, Duration.ofSeconds(10));
        assertEquals(2, dead.size());
        dead.forEach(r -> assertTrue(new String(r.headers().lastHeader(DeadLetterPublisher.ERROR_MESSAGE).value(), StandardCharsets.UTF_8)
                .contains("another agent")));
    }
}
