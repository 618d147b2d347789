package dev.kyoyu.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.service.auth.Audience;
import dev.kyoyu.testsupport.Await;
import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.OpenApiContract;
import dev.kyoyu.testsupport.TestTokens;
import dev.kyoyu.testsupport.TestTopics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Who may write through ingest-api: agents and admins with a token meant for it; a reader never. */
class IngestRolesIT {
    private static final OpenApiContract CONTRACT = OpenApiContract.load("openapi/ingest-api.yaml");
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);
    private static IngestApp app;
    private static HttpJson http;

    @BeforeAll
    static void start() {
        app = IngestTestApp.start(TestTopics.create("ingest-roles", 1), Map.of());
        http = new HttpJson(app.port());
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void agentsAndAdminsStartRuns() {
        for (Role role : List.of(Role.AGENT, Role.ADMIN)) {
            HttpJson.Response run = http.postJson("/v1/runs", TestTokens.token(role.wireName() + "-" + SUFFIX, role), Map.of());
            assertEquals(201, run.status(), run.raw().body());
        }
    }

    @Test
    void aReaderIsRefusedEveryWriteRouteWithItsRoleNamed() {
        String reader = "reader-" + SUFFIX;
        // A token for ingest is not issued to readers; even one that says so writes nothing.
        String token = TestTokens.token(reader, Role.READER, Audience.INGEST, Audience.QUERY);
        String runId = UUID.randomUUID().toString();
        Map<String, HttpJson.Response> answers = Map.of(
                "/v1/runs", http.postJson("/v1/runs", token, Map.of()),
                "/v1/runs/{run_id}/events", http.postJson("/v1/runs/" + runId + "/events", token,
                        Map.of("events", List.of(Map.of("event_type", "ToolCalled")))),
                "/v1/runs/{run_id}/complete", http.postJson("/v1/runs/" + runId + "/complete", token, Map.of()),
                "/v1/trace", http.postJson("/v1/trace", token, Map.of("decision", Map.of("decision_type", "t", "outcome", "o"))),
                "/v1/events", http.post("/v1/events", token, "application/x-ndjson",
                        "{\"run_id\":\"" + runId + "\",\"event_type\":\"ToolCalled\"}\n"));
        answers.forEach((template, answer) -> {
            assertEquals(403, answer.status(), template + ": " + answer.raw().body());
            CONTRACT.check("POST", template, answer);
            assertEquals("FORBIDDEN", answer.error().path("code").asText());
            assertTrue(answer.error().path("message").asText().contains("agent " + reader + " has role reader"),
                    answer.raw().body());
        });
    }

    @Test
    void aTokenMeantOnlyForQueryIsRefusedNamingTheAudience() {
        HttpJson.Response answer = http.postJson("/v1/runs", TestTokens.token("reader-q-" + SUFFIX, Role.READER), Map.of());
        assertEquals(401, answer.status(), answer.raw().body());
        assertTrue(answer.error().path("message").asText().contains("audience lacks kyoyu-ingest"), answer.raw().body());

        HttpJson.Response agent = http.postJson("/v1/runs", TestTokens.token("agent-q-" + SUFFIX, Role.AGENT, Audience.QUERY), Map.of());
        assertEquals(401, agent.status(), agent.raw().body());
    }

    @Test
    void anExpiredTokenIsRefusedAsExpired() {
        String token = TestTokens.PRIMARY.token("expiring-" + SUFFIX, Role.AGENT, Duration.ofSeconds(1));
        Await.until(Duration.ofSeconds(10), "the token expires", () -> {
            HttpJson.Response answer = http.postJson("/v1/runs", token, Map.of());
            return answer.status() == 401 && answer.error().path("message").asText().contains("expired");
        });
    }
}
