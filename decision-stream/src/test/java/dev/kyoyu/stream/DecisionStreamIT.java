package dev.kyoyu.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyoyu.ingest.IngestApp;
import dev.kyoyu.ingest.IngestConfig;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.sink.SinkApp;
import dev.kyoyu.sink.SinkConfig;
import dev.kyoyu.testsupport.Await;
import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.TestAgents;
import dev.kyoyu.testsupport.ServiceEnv;
import dev.kyoyu.testsupport.TestDatabase;
import dev.kyoyu.testsupport.TestTokens;
import dev.kyoyu.testsupport.TestTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP in, PostgreSQL out, all real and in-process: ingest-api -> kyoyu.events.v1 -> decision stream ->
 * decisions and conflicts topics -> sink-worker -> PostgreSQL. Every topic and the database are this test's own.
 */
class DecisionStreamIT {
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    private static TestDatabase db;
    private static IngestApp ingest;
    private static SinkApp sink;
    private static StreamApp stream;
    private static String rejectedTopic;
    @TempDir
    static Path stateDir;

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabase.create();
        Map<String, String> env = ServiceEnv.of(db, TestTopics.create("ds-events", 3), TestTopics.create("ds-dlq", 1));
        rejectedTopic = "test.ds-rejected." + SUFFIX;
        env.put("KYOYU_DECISIONS_TOPIC", "test.ds-decisions." + SUFFIX);
        env.put("KYOYU_CONFLICTS_TOPIC", "test.ds-conflicts." + SUFFIX);
        env.put("KYOYU_DECISIONS_REJECTED_TOPIC", rejectedTopic);
        env.put("KYOYU_STREAM_TOPIC_PARTITIONS", "3");
        env.put("KYOYU_STREAM_PORT", "0");
        env.put("KYOYU_STREAM_APPLICATION_ID", "ds-it-" + SUFFIX);
        env.put("KYOYU_STREAM_STATE_DIR", stateDir.toString());
        env.put("KYOYU_SINK_DECISIONS", "true");
        ingest = IngestApp.start(IngestConfig.fromEnv(env));
        stream = StreamApp.start(StreamConfig.fromEnv(env));
        sink = SinkApp.start(SinkConfig.fromEnv(env));
    }

    @AfterAll
    static void stop() throws Exception {
        ingest.close();
        stream.close();
        sink.close();
        db.close();
    }

    private static String tokenFor(HttpJson api, String agent) {
        return TestTokens.token(agent, Role.AGENT);
    }

    private static JsonNode post(HttpJson api, String path, String token, String json) throws Exception {
        HttpJson.Response response = api.postJson(path, token, EventJson.MAPPER.readTree(json.replace('\'', '"')));
        assertTrue(response.status() / 100 == 2, response.status() + " " + response.raw().body());
        return response.data();
    }

    private static long count(String sql, Object... params) {
        return db.queryLong(sql, params);
    }

    @Test
    @DisplayName("granular events become a decision, a trace by another agent conflicts with it, and a revision closes it")
    void decisionsRevisionsAndConflictsLandInPostgres() throws Exception {
        HttpJson api = new HttpJson(ingest.port());
        String risk = tokenFor(api, "risk-agent");
        String fraud = tokenFor(api, "fraud-agent");

        String run = post(api, "/v1/runs", risk, "{}").path("id").asText();
        JsonNode accepted = post(api, "/v1/runs/" + run + "/events", risk, """
                {'events':[
                  {'event_type':'DecisionStarted','payload':{'decision_type':'loan_approval','metadata':{'case':'c-17'}}},
                  {'event_type':'AlternativeConsidered','payload':{'label':'approve','score':0.8,'selected':true}},
                  {'event_type':'AlternativeConsidered','payload':{'label':'deny','score':0.2,'rejection_reason':'no risk signal'}},
                  {'event_type':'EvidenceGathered','payload':{'source_type':'document','content':'net income 4,200 EUR'}},
                  {'event_type':'AlternativeConsidered','payload':{'label':'review','score':7}},
                  {'event_type':'ReasoningStepCompleted','payload':{'reasoning':'income covers the installment 3.1 times'}},
                  {'event_type':'DecisionMade','payload':{'outcome':'approve','confidence':0.82}}
                ]}""");
        String decisionId = accepted.path("event_ids").get(0).asText();
        // A step the stream could not process is refused at the door (docs/ingest-contract.md), not dead-lettered later.
        assertEquals(4, accepted.path("rejected").get(0).path("index").asInt());
        assertEquals("payload.score", accepted.path("rejected").get(0).path("field").asText());

        String tracedId = post(api, "/v1/trace", fraud, """
                {'decision':{'decision_type':'loan_approval','outcome':'deny','confidence':0.9,
                             'evidence':[{'content':'device seen in 14 applications'}]}}""").path("decision_id").asText();

        Await.until(Duration.ofSeconds(60), "both decisions and their conflict are stored", () ->
                count("SELECT count(*) FROM decisions WHERE id IN (?::uuid, ?::uuid)", decisionId, tracedId) == 2
                        && count("SELECT count(*) FROM conflicts") == 1);
        assertEquals(1, count("SELECT count(*) FROM decisions WHERE id = ?::uuid AND run_id = ?::uuid AND agent_id = 'risk-agent'"
                + " AND decision_type = 'loan_approval' AND outcome = 'approve' AND confidence = 0.82 AND valid_to IS NULL"
                + " AND reasoning = 'income covers the installment 3.1 times' AND metadata->>'case' = 'c-17'", decisionId, run));
        assertEquals(2, count("SELECT count(*) FROM alternatives WHERE decision_id = ?::uuid", decisionId), "the invalid one is not among them");
        assertEquals(1, count("SELECT count(*) FROM evidence WHERE decision_id = ?::uuid AND content = 'net income 4,200 EUR'", decisionId));
        assertEquals(1, count("SELECT count(*) FROM conflicts WHERE decision_type = 'loan_approval'"
                + " AND ?::uuid IN (decision_a_id, decision_b_id) AND ?::uuid IN (decision_a_id, decision_b_id)"
                + " AND 'risk-agent' IN (agent_a_id, agent_b_id) AND 'fraud-agent' IN (agent_a_id, agent_b_id)", decisionId, tracedId));


        String revisionId = post(api, "/v1/runs/" + run + "/events", risk, """
                {'events':[{'event_type':'DecisionRevised','payload':{'revises':'%s','outcome':'deny','confidence':0.6,
                            'reasoning':'a default surfaced in the bureau file'}}]}""".formatted(decisionId))
                .path("event_ids").get(0).asText();
        Await.until(Duration.ofSeconds(60), "the revision is stored and the old row closed", () ->
                count("SELECT count(*) FROM decisions WHERE id = ?::uuid AND valid_to IS NOT NULL", decisionId) == 1);
        assertEquals(1, count("SELECT count(*) FROM decisions old JOIN decisions rev ON rev.revises = old.id"
                + " WHERE old.id = ?::uuid AND rev.id = ?::uuid AND old.valid_to = rev.valid_from AND old.outcome = 'approve'"
                + " AND rev.outcome = 'deny' AND rev.valid_to IS NULL", decisionId, revisionId));
        assertEquals(1, count("SELECT count(*) FROM conflicts"), "the revision agrees with the fraud agent: no new conflict");
        assertEquals(3, count("SELECT count(*) FROM decisions"), "every decision once");

        HttpJson health = new HttpJson(stream.port());
        assertEquals(200, health.get("/health", null).status());
        assertTrue(health.get("/metrics", null).raw().body().contains("kyoyu_decisions_published_total"));
    }
}
