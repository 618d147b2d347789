package dev.kyoyu.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.testsupport.TestTokens;
import dev.kyoyu.testsupport.Await;
import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.TestAgents;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The audit trail is a trace like any other: an admin action's run is readable from query-api once the sink stored it. */
class AdminAuditIT {
    private static InProcessStack stack;

    @BeforeAll
    static void start() {
        stack = InProcessStack.start("audit");
    }

    @AfterAll
    static void stop() throws Exception {
        stack.close();
    }

    @Test
    void anAdminActionIsARunOfTheAdminsOwnReadableFromTheQueryApi() {
        String admin = "audit-admin";
        String adminToken = TestTokens.token(admin, Role.ADMIN);
        HttpJson.Response created = new HttpJson(stack.ingest.port()).postJson("/v1/admin/agents", adminToken,
                Map.of("agent_id", "audited-agent", "role", "reader"));
        assertEquals(201, created.status(), created.raw().body());
        String runId = created.data().path("audit_run_id").asText();

        HttpJson out = new HttpJson(stack.query.port());
        AtomicReference<JsonNode> run = new AtomicReference<>();
        Await.until(Duration.ofSeconds(30), "the audit run is queryable", () -> {
            HttpJson.Response answer = out.get("/v1/runs/" + runId, adminToken);
            run.set(answer.data());
            return answer.status() == 200 && answer.data().path("events").size() == 3;
        });
        JsonNode events = run.get().path("events");
        assertEquals("RunStarted", events.get(0).path("event_type").asText());
        assertEquals("admin.AgentCreated", events.get(1).path("event_type").asText());
        assertEquals("audited-agent", events.get(1).path("payload").path("agent_id").asText());
        assertEquals("reader", events.get(1).path("payload").path("role").asText());
        assertFalse(events.toString().contains(created.data().path("api_key").asText()), "the key is not in the audit trail");
        assertEquals("RunCompleted", events.get(2).path("event_type").asText());
        assertEquals(admin, run.get().path("run").path("agent_id").asText());
        assertEquals("completed", run.get().path("run").path("status").asText());
    }
}
