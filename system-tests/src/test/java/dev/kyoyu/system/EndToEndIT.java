package dev.kyoyu.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.testsupport.Await;
import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.TestAgents;
import dev.kyoyu.testsupport.TestTokens;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** HTTP in, HTTP out: ingest-api -> Kafka -> sink-worker -> PostgreSQL -> query-api, all real. */
class EndToEndIT {
    private static InProcessStack stack;

    @BeforeAll
    static void start() {
        stack = InProcessStack.start("e2e");
    }

    @AfterAll
    static void stop() throws Exception {
        stack.close();
    }

    @Test
    @DisplayName("a batch of 1,000 events posted over HTTP is readable over HTTP, in order, exactly once")
    void thousandEventsRoundTrip() {
        HttpJson in = new HttpJson(stack.ingest.port());
        HttpJson out = new HttpJson(stack.query.port());
        String agent = "e2e-agent";
        String token = TestTokens.token(agent, Role.AGENT);

        HttpJson.Response run = in.postJson("/v1/runs", token, Map.of("metadata", Map.of("purpose", "e2e")));
        assertEquals(201, run.status(), run.raw().body());
        String runId = run.data().path("id").asText();

        List<Map<String, Object>> events = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            events.add(Map.of("event_type", "PlanStepCompleted", "payload", Map.of("step", i)));
        }
        HttpJson.Response accepted = in.postJson("/v1/runs/" + runId + "/events", token, Map.of("events", events));
        assertEquals(202, accepted.status(), accepted.raw().body());
        assertEquals(1000, accepted.data().path("accepted").asInt());

        AtomicReference<JsonNode> view = new AtomicReference<>();
        Await.until(Duration.ofSeconds(30), "the run and its 1,001 events are queryable", () -> {
            HttpJson.Response response = out.get("/v1/runs/" + runId, token);
            view.set(response.data());
            return response.status() == 200 && response.data().path("events").size() == 1001;
        });

        JsonNode stored = view.get().path("events");
        assertEquals("RunStarted", stored.get(0).path("event_type").asText());
        long previous = stored.get(0).path("sequence").asLong();
        for (int i = 1; i <= 1000; i++) {
            JsonNode event = stored.get(i);
            assertEquals(i - 1, event.path("payload").path("step").asInt(), "events come back in the order they were posted");
            assertEquals(accepted.data().path("event_ids").get(i - 1).asText(), event.path("id").asText());
            assertTrue(event.path("sequence").asLong() > previous);
            previous = event.path("sequence").asLong();
        }
        assertEquals("running", view.get().path("run").path("status").asText());

        HttpJson.Response completed = in.postJson("/v1/runs/" + runId + "/complete", token, Map.of());
        assertEquals(200, completed.status(), completed.raw().body());
        Await.until(Duration.ofSeconds(30), "the run shows as completed",
                () -> out.get("/v1/runs/" + runId, token).data().path("run").path("status").asText().equals("completed"));
        assertEquals(1002, stack.db.queryLong("SELECT count(*) FROM agent_events WHERE run_id = ?::uuid", runId));
    }

    @Test
    @DisplayName("a trace becomes a completed run with a decision, its alternatives and its evidence")
    void traceRoundTrip() {
        HttpJson in = new HttpJson(stack.ingest.port());
        String agent = "e2e-tracer";
        String token = TestTokens.token(agent, Role.AGENT);
        Map<String, Object> decision = Map.of(
                "decision_type", "loan_approval",
                "outcome", "approve",
                "confidence", 0.82,
                "reasoning", "income covers the installment 3.1 times",
                "valid_from", "2026-11-01T09:00:00Z",
                "alternatives", List.of(
                        Map.of("label", "approve", "score", 0.82, "selected", true),
                        Map.of("label", "deny", "score", 0.18, "rejection_reason", "no risk signal")),
                "evidence", List.of(Map.of("source_type", "document", "source_uri", "s3://docs/payslip.pdf",
                        "content", "net income 4,200 EUR", "relevance_score", 0.9)));
        HttpJson.Response answer = in.postJson("/v1/trace", token, Map.of(
                "metadata", Map.of("case", "c-17"),
                "decision", decision,
                "events", List.of(Map.of("event_type", "ToolCalled", "payload", Map.of("tool", "credit_score")))));
        assertEquals(202, answer.status(), answer.raw().body());
        assertEquals(4, answer.data().path("event_count").asInt(), "start, the tool call, the decision, completion");
        String decisionId = answer.data().path("decision_id").asText();
        String runId = answer.data().path("run_id").asText();

        Await.until(Duration.ofSeconds(30), "the decision is stored",
                () -> stack.db.queryLong("SELECT count(*) FROM decisions WHERE id = ?::uuid", decisionId) == 1);
        assertEquals(1, stack.db.queryLong("SELECT count(*) FROM decisions WHERE id = ?::uuid AND run_id = ?::uuid AND agent_id = ?"
                + " AND outcome = 'approve' AND confidence = 0.82 AND valid_from = '2026-11-01T09:00:00Z' AND valid_to IS NULL"
                + " AND transaction_time > valid_from", decisionId, runId, agent));
        assertEquals(2, stack.db.queryLong("SELECT count(*) FROM alternatives WHERE decision_id = ?::uuid", decisionId));
        assertEquals(1, stack.db.queryLong("SELECT count(*) FROM alternatives WHERE decision_id = ?::uuid AND selected AND label = 'approve'", decisionId));
        assertEquals(1, stack.db.queryLong("SELECT count(*) FROM evidence WHERE decision_id = ?::uuid AND content = 'net income 4,200 EUR'", decisionId));
        assertEquals(1, stack.db.queryLong("SELECT count(*) FROM agent_runs WHERE id = ?::uuid AND status = 'completed'", runId));
        assertEquals(4, stack.db.queryLong("SELECT count(*) FROM agent_events WHERE run_id = ?::uuid", runId));
    }
}
