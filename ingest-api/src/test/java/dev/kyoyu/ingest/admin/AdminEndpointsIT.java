package dev.kyoyu.ingest.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyoyu.ingest.IngestApp;
import dev.kyoyu.ingest.IngestConfig;
import dev.kyoyu.ingest.ownership.RunOwnership;
import dev.kyoyu.schemas.event.AgentEvent;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.schemas.event.IdKey;
import dev.kyoyu.schemas.identity.AgentRecord;
import dev.kyoyu.schemas.identity.ApiKeyRecord;
import dev.kyoyu.schemas.identity.IdentityJson;
import dev.kyoyu.schemas.identity.IdentityRecord;
import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.testsupport.TestTokens;
import dev.kyoyu.testsupport.Await;
import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.TestAgents;
import dev.kyoyu.testsupport.TestSecrets;
import dev.kyoyu.testsupport.TestStack;
import dev.kyoyu.testsupport.TestTopics;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The admin endpoints and POST /auth/token against the real broker: who may act, what each action does, what it records. */
class AdminEndpointsIT {
    private static final String RUN = UUID.randomUUID().toString().substring(0, 6);
    private static String events;
    private static String identities;
    private static IngestApp app;
    private static HttpJson http;
    private static String admin;

    @BeforeAll
    static void start() {
        events = TestTopics.create("admin-events", 1);
        identities = TestTopics.create("admin-identities", 1);
        app = start(TestStack.kafkaBootstrap(), Map.of());
        http = new HttpJson(app.port());
        admin = TestAgents.adminToken();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static IngestApp start(String bootstrap, Map<String, String> settings) {
        Map<String, String> env = new HashMap<>(Map.of(
                "KYOYU_INGEST_PORT", "0",
                "KYOYU_KAFKA_BOOTSTRAP", bootstrap,
                "KYOYU_EVENTS_TOPIC", events,
                "KYOYU_IDENTITIES_TOPIC", identities,
                "KYOYU_ID_SECRET", TestSecrets.ID));
        env.putAll(TestTokens.env());
        env.putAll(settings);
        return IngestApp.start(IngestConfig.fromEnv(env));
    }

    private static String agentId(String name) {
        return "admin-it-" + name + "-" + RUN;
    }

    private static JsonNode create(String agentId, Role role) {
        HttpJson.Response created = http.postJson("/v1/admin/agents", admin, Map.of("agent_id", agentId, "role", role.wireName()));
        assertEquals(201, created.status(), created.body().toString());
        return created.data();
    }

    private static HttpJson.Response token(String agentId, String apiKey) {
        return http.postJson("/auth/token", null, Map.of("agent_id", agentId, "api_key", apiKey));
    }

    private static HttpJson.Response rotate(String agentId, long overlapSeconds) {
        HttpJson.Response rotated = http.postJson("/v1/admin/agents/" + agentId + "/keys", admin, Map.of("overlap_seconds", overlapSeconds));
        assertEquals(201, rotated.status(), rotated.body().toString());
        return rotated;
    }

    private static void assertError(HttpJson.Response answer, int status, String code, String field) {
        assertEquals(status, answer.status(), answer.body().toString());
        assertEquals(code, answer.error().path("code").asText(), answer.body().toString());
        if (field != null) {
            assertEquals(field, answer.error().path("details").path("field").asText(), answer.body().toString());
        }
    }

    private record Call(String method, String path, String body, int adminStatus) {
    }

    @Test
    void everyAdminEndpointAnswersAdminsAndRefusesAgentsReadersAndStrangers() {
        String target = agentId("roles");
        String owner = agentId("roles-owner");
        create(owner, Role.AGENT);
        String firstKey = create(target, Role.AGENT).path("key_id").asText();
        List<Call> calls = List.of(
                new Call("POST", "/v1/admin/agents", "{\"agent_id\":\"" + agentId("roles-new") + "\"}", 201),
                new Call("GET", "/v1/admin/agents", null, 200),
                new Call("GET", "/v1/admin/agents/" + target, null, 200),
                new Call("POST", "/v1/admin/agents/" + target + "/keys", "{\"overlap_seconds\":60}", 201),
                new Call("DELETE", "/v1/admin/agents/" + target + "/keys/" + firstKey, null, 200),
                new Call("PUT", "/v1/admin/agents/" + target + "/role", "{\"role\":\"reader\"}", 200),
                new Call("POST", "/v1/admin/roles/reader/revoke-tokens", null, 200),
                new Call("PUT", "/v1/admin/grants/" + target + "/" + owner, "{\"expires_at\":\"2999-01-01T00:00:00Z\"}", 200),
                new Call("DELETE", "/v1/admin/grants/" + target + "/" + owner, null, 200),
                new Call("POST", "/v1/admin/agents/" + target + "/revoke", null, 200));
        String agentToken = TestTokens.token(agentId("roles-agent"), Role.AGENT);
        String readerToken = TestTokens.token(agentId("roles-reader"), Role.READER);
        for (Call call : calls) {
            String what = call.method() + " " + call.path();
            String type = call.body() == null ? null : "application/json";
            assertError(http.send(call.method(), call.path(), null, type, call.body()), 401, "UNAUTHORIZED", null);
            HttpJson.Response asAgent = http.send(call.method(), call.path(), agentToken, type, call.body());
            assertError(asAgent, 403, "FORBIDDEN", null);
            assertEquals("agent", asAgent.error().path("details").path("role").asText(), what);
            assertTrue(asAgent.error().path("message").asText().contains("role agent"), what);
            // A reader's token may not be meant for ingest at all (401); if it is, the refusal names its role.
            HttpJson.Response asReader = http.send(call.method(), call.path(), readerToken, type, call.body());
            assertTrue(asReader.status() == 401 || asReader.status() == 403, what + " " + asReader.body());
            if (asReader.status() == 403) {
                assertFalse(asReader.error().path("details").path("role").asText().equals("admin"), what);
            }
            HttpJson.Response answer = http.send(call.method(), call.path(), admin, type, call.body());
            assertEquals(call.adminStatus(), answer.status(), what + " " + answer.body());
        }
        JsonNode revoked = http.get("/v1/admin/agents/" + target, admin).data();
        assertTrue(revoked.path("revoked").asBoolean());
        assertEquals("reader", revoked.path("role").asText());
    }

    @Test
    void aNewAgentsKeyIsShownOnceAndBuysATokenOfItsRole() {
        String agent = agentId("create");
        JsonNode created = create(agent, Role.AGENT);
        String key = created.path("api_key").asText();
        assertTrue(key.matches("kyoyu_[0-9a-f]{16}_[A-Za-z0-9_-]{43}"), created.toString());
        assertEquals("agent", created.path("role").asText());

        HttpJson.Response shown = http.get("/v1/admin/agents/" + agent, admin);
        assertEquals(200, shown.status());
        assertEquals(created.path("key_id").asText(), shown.data().path("keys").get(0).path("key_id").asText());
        String listed = http.get("/v1/admin/agents", admin).body().toString();
        assertTrue(listed.contains(agent));
        for (String text : List.of(shown.body().toString(), listed)) {
            assertFalse(text.contains(key), "a key is shown only when it is made");
            assertFalse(text.contains(ApiKeyText.sha256(key)), "its hash is never shown");
        }

        HttpJson.Response issued = token(agent, key);
        assertEquals(200, issued.status(), issued.body().toString());
        assertEquals("agent", issued.data().path("role").asText());
        HttpJson.Response run = http.postJson("/v1/runs", issued.data().path("token").asText(), Map.of());
        assertEquals(201, run.status(), run.body().toString());

        String wrongSecret = key.substring(0, key.length() - 2) + (key.endsWith("AA") ? "BB" : "AA");
        String unknownKey = ApiKeyText.mint().text();
        String message = token(agent, wrongSecret).error().path("message").asText();
        assertError(token(agent, wrongSecret), 401, "UNAUTHORIZED", null);
        assertError(token(agent, unknownKey), 401, "UNAUTHORIZED", null);
        assertEquals(message, token(agent, unknownKey).error().path("message").asText(), "unknown key and wrong secret look the same");
        String other = agentId("create-other");
        create(other, Role.AGENT);
        assertError(token(other, key), 401, "UNAUTHORIZED", null);

        assertError(http.postJson("/v1/admin/agents", admin, Map.of("agent_id", agent)), 409, "CONFLICT", "agent_id");
        assertError(http.postJson("/v1/admin/agents", admin, Map.of("agent_id", "no spaces")), 400, "INVALID_INPUT", "agent_id");
        assertError(http.postJson("/v1/admin/agents", admin, Map.of("agent_id", agentId("x"), "role", "root")), 400, "INVALID_INPUT", "role");
        assertError(http.postJson("/v1/admin/agents", admin, Map.of("agent_id", agentId("y"), "rolle", "agent")), 400, "INVALID_INPUT", "rolle");
        assertError(http.get("/v1/admin/agents/" + agentId("nobody"), admin), 404, "NOT_FOUND", "agent_id");
    }

    @Test
    void aRotatedAgentsOldKeyWorksWithinTheOverlapAndNotAfter() {
        String agent = agentId("rotate");
        String oldKey = create(agent, Role.AGENT).path("api_key").asText();
        String newKey = rotate(agent, 3).data().path("api_key").asText();

        assertEquals(200, token(agent, newKey).status());
        assertEquals(200, token(agent, oldKey).status(), "the old key still works within the overlap");
        Await.until(Duration.ofSeconds(15), "the old key to expire after the overlap", () -> token(agent, oldKey).status() == 401);
        assertEquals(200, token(agent, newKey).status());

        JsonNode keys = http.get("/v1/admin/agents/" + agent, admin).data().path("keys");
        assertEquals(2, keys.size());
        assertFalse(keys.get(0).path("usable").asBoolean());
        assertTrue(keys.get(1).path("usable").asBoolean());

        assertError(http.postJson("/v1/admin/agents/" + agent + "/keys", admin, Map.of("overlap_seconds", -1)), 400, "INVALID_INPUT",
                "overlap_seconds");
        assertError(http.postJson("/v1/admin/agents/" + agentId("nobody") + "/keys", admin, Map.of()), 404, "NOT_FOUND", "agent_id");
    }

    @Test
    void aRevokedKeyOrAgentGetsNoMoreTokens() {
        String agent = agentId("revoke");
        JsonNode first = create(agent, Role.AGENT);
        String firstKey = first.path("api_key").asText();
        String secondKey = rotate(agent, 3600).data().path("api_key").asText();

        HttpJson.Response revokedKey = http.send("DELETE", "/v1/admin/agents/" + agent + "/keys/" + first.path("key_id").asText(),
                admin, null, null);
        assertEquals(200, revokedKey.status(), revokedKey.body().toString());
        assertError(token(agent, firstKey), 401, "UNAUTHORIZED", null);
        assertEquals(200, token(agent, secondKey).status(), "the agent's other key still works");
        assertError(http.send("DELETE", "/v1/admin/agents/" + agent + "/keys/0123456789abcdef", admin, null, null), 404, "NOT_FOUND",
                "key_id");
        assertError(http.send("DELETE", "/v1/admin/agents/" + agent + "/keys/nothex", admin, null, null), 400, "INVALID_INPUT", "key_id");

        HttpJson.Response revokedAgent = http.postJson("/v1/admin/agents/" + agent + "/revoke", admin, Map.of());
        assertEquals(200, revokedAgent.status(), revokedAgent.body().toString());
        assertTrue(revokedAgent.data().path("revoked").asBoolean());
        assertError(token(agent, secondKey), 401, "UNAUTHORIZED", null);
        assertError(http.postJson("/v1/admin/agents/" + agent + "/keys", admin, Map.of()), 409, "CONFLICT", "agent_id");
        for (JsonNode key : revokedAgent.data().path("keys")) {
            assertFalse(key.path("revoked_at").isNull(), key.toString());
        }
    }

    @Test
    void aRoleChangeAppliesToTheNextTokenAndAReaderGetsOnlyTheQueryAudience() {
        String agent = agentId("role");
        String key = create(agent, Role.AGENT).path("api_key").asText();
        HttpJson.Response changed = http.send("PUT", "/v1/admin/agents/" + agent + "/role", admin, "application/json", "{\"role\":\"reader\"}");
        assertEquals(200, changed.status(), changed.body().toString());

        HttpJson.Response issued = token(agent, key);
        assertEquals(200, issued.status(), issued.body().toString());
        assertEquals("reader", issued.data().path("role").asText());
        assertEquals("[\"kyoyu-query\"]", issued.data().path("audience").toString());
        assertError(http.postJson("/auth/token", null, Map.of("agent_id", agent, "api_key", key, "audience", List.of("kyoyu-ingest"))),
                400, "INVALID_INPUT", "audience");

        assertError(http.send("PUT", "/v1/admin/agents/" + agent + "/role", admin, "application/json", "{\"role\":\"boss\"}"), 400,
                "INVALID_INPUT", "role");
        assertError(http.send("PUT", "/v1/admin/agents/" + agentId("nobody") + "/role", admin, "application/json", "{\"role\":\"agent\"}"),
                404, "NOT_FOUND", "agent_id");
        assertError(http.postJson("/v1/admin/roles/root/revoke-tokens", admin, Map.of()), 400, "INVALID_INPUT", "role");

        // Token issue times are whole seconds: a role's floor is the next whole second, so no older token slips through.
        java.time.Instant before = java.time.Instant.now();
        HttpJson.Response floor = http.postJson("/v1/admin/roles/reader/revoke-tokens", admin, Map.of());
        java.time.Instant notBefore = java.time.Instant.parse(floor.data().path("tokens_not_before").asText());
        assertEquals(0, notBefore.getNano(), notBefore.toString());
        assertTrue(notBefore.isAfter(before), notBefore + " after " + before);
        assertTrue(changed.data().path("tokens_not_before").asText().matches(".*:\\d\\dZ"), "a changed role's floor is a whole second too");
    }

    @Test
    void aTokenRequestNamesWhatItGotWrong() {
        String agent = agentId("token");
        String key = create(agent, Role.AGENT).path("api_key").asText();
        assertError(http.postJson("/auth/token", null, Map.of("api_key", key)), 400, "INVALID_INPUT", "agent_id");
        assertError(http.postJson("/auth/token", null, Map.of("agent_id", agent)), 400, "INVALID_INPUT", "api_key");
        assertError(http.postJson("/auth/token", null, Map.of("agent_id", agent, "api_key", key, "audience", List.of("elsewhere"))),
                400, "INVALID_INPUT", "audience");
        assertError(http.postJson("/auth/token", null, Map.of("agent_id", agent, "api_key", key, "lifetime_seconds", 7200)),
                400, "INVALID_INPUT", "lifetime_seconds");
        HttpJson.Response narrowed = http.postJson("/auth/token", null, Map.of("agent_id", agent, "api_key", key,
                "audience", List.of("kyoyu-ingest"), "lifetime_seconds", 60));
        assertEquals(200, narrowed.status(), narrowed.body().toString());
        assertEquals("[\"kyoyu-ingest\"]", narrowed.data().path("audience").toString());
    }

    @Test
    void everyActionIsRecordedInARunOfTheAdminsOwnAndItsRecordsReachTheIdentityTopic() throws IOException {
        String auditor = agentId("auditor");
        String auditorToken = TestTokens.token(auditor, Role.ADMIN);
        String agent = agentId("audited");
        String owner = agentId("audited-owner");
        List<String> runs = new ArrayList<>();
        HttpJson.Response created = http.postJson("/v1/admin/agents", auditorToken, Map.of("agent_id", agent));
        String key = created.data().path("api_key").asText();
        runs.add(created.data().path("audit_run_id").asText());
        runs.add(http.postJson("/v1/admin/agents", auditorToken, Map.of("agent_id", owner)).data().path("audit_run_id").asText());
        HttpJson.Response rotated = http.postJson("/v1/admin/agents/" + agent + "/keys", auditorToken, Map.of());
        runs.add(rotated.data().path("audit_run_id").asText());
        runs.add(http.send("DELETE", "/v1/admin/agents/" + agent + "/keys/" + created.data().path("key_id").asText(), auditorToken, null,
                null).data().path("audit_run_id").asText());
        runs.add(http.send("PUT", "/v1/admin/agents/" + agent + "/role", auditorToken, "application/json", "{\"role\":\"reader\"}")
                .data().path("audit_run_id").asText());
        runs.add(http.postJson("/v1/admin/roles/agent/revoke-tokens", auditorToken, Map.of()).data().path("audit_run_id").asText());
        runs.add(http.send("PUT", "/v1/admin/grants/" + agent + "/" + owner, auditorToken, "application/json", "{}")
                .data().path("audit_run_id").asText());
        runs.add(http.send("DELETE", "/v1/admin/grants/" + agent + "/" + owner, auditorToken, null, null).data().path("audit_run_id").asText());
        runs.add(http.postJson("/v1/admin/agents/" + agent + "/revoke", auditorToken, Map.of()).data().path("audit_run_id").asText());
        List<String> expected = List.of("admin.AgentCreated", "admin.AgentCreated", "admin.KeyRotated", "admin.KeyRevoked",
                "admin.RoleChanged", "admin.RoleTokensRevoked", "admin.GrantGiven", "admin.GrantWithdrawn", "admin.AgentRevoked");

        Map<String, List<AgentEvent>> byRun = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : TestTopics.readAll(events, Integer.MAX_VALUE, Duration.ofSeconds(5))) {
            AgentEvent event = EventJson.MAPPER.readValue(record.value(), AgentEvent.class);
            if (event.agentId().equals(auditor)) {
                assertEquals(auditor, record.key());
                byRun.computeIfAbsent(event.runId().toString(), r -> new ArrayList<>()).add(event);
                String text = new String(record.value(), java.nio.charset.StandardCharsets.UTF_8);
                assertFalse(text.contains(key) || text.contains(ApiKeyText.sha256(key)), "no key or hash in the audit: " + text);
            }
        }
        RunOwnership ownership = new RunOwnership(new IdKey(TestSecrets.ID.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertEquals(runs.size(), byRun.size(), byRun.keySet().toString());
        for (int i = 0; i < runs.size(); i++) {
            List<AgentEvent> run = byRun.get(runs.get(i));
            assertEquals(List.of("RunStarted", expected.get(i), "RunCompleted"), run.stream().map(AgentEvent::eventType).toList());
            assertTrue(ownership.owns(auditor, UUID.fromString(runs.get(i))), "the audit run is the admin's own");
            assertEquals("done", run.get(1).payload().path("outcome").asText());
        }
        assertEquals(agent, byRun.get(runs.get(0)).get(1).payload().path("agent_id").asText());
        assertEquals("reader", byRun.get(runs.get(4)).get(1).payload().path("role").asText());
        assertEquals(owner, byRun.get(runs.get(6)).get(1).payload().path("owner_agent_id").asText());

        List<IdentityRecord> records = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : TestTopics.readAll(identities, Integer.MAX_VALUE, Duration.ofSeconds(5))) {
            IdentityRecord identity = IdentityJson.fromBytes(record.value());
            assertEquals(identity.topicKey(), record.key());
            records.add(identity);
        }
        AgentRecord last = (AgentRecord) records.stream().filter(r -> r.topicKey().equals("agent/" + agent)).reduce((a, b) -> b).orElseThrow();
        assertTrue(last.revoked());
        assertEquals(auditor, last.updatedBy());
        assertTrue(records.stream().anyMatch(r -> r instanceof ApiKeyRecord k && k.agentId().equals(agent)
                && k.sha256().equals(ApiKeyText.sha256(key)) && k.revokedAt() != null));
    }

    @Test
    void aReplicaCutOffFromTheLogAnswers503AndChangesNothing() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (IngestApp cut = start("127.0.0.1:" + closedPort, Map.of("KYOYU_INGEST_ACK_TIMEOUT", "1s", "KYOYU_IDENTITY_STARTUP_WAIT", "1s"))) {
            HttpJson cutHttp = new HttpJson(cut.port());
            HttpJson.Response refused = cutHttp.postJson("/v1/admin/agents", admin, Map.of("agent_id", agentId("unlogged")));
            assertError(refused, 503, "UNAVAILABLE", null);
            assertTrue(refused.raw().headers().firstValue("Retry-After").isPresent());
            assertFalse(refused.body().toString().toLowerCase(java.util.Locale.ROOT).contains("kafka"));
            assertError(cutHttp.get("/v1/admin/agents/" + agentId("unlogged"), admin), 503, "UNAVAILABLE", null);
            assertError(http.get("/v1/admin/agents/" + agentId("unlogged"), admin), 404, "NOT_FOUND", "agent_id");
        }
    }
}
