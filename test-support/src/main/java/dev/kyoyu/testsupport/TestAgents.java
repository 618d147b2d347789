package dev.kyoyu.testsupport;

import dev.kyoyu.schemas.identity.Role;
import java.util.Map;

/**
 * Agents of a test with real API keys, made the way an operator makes them: through the admin endpoints of an ingest
 * API started with the test secrets, by an admin whose token {@link TestTokens} minted.
 */
public final class TestAgents {
    public static final String ADMIN = "test-admin";

    private TestAgents() {
    }

    public static String adminToken() {
        return TestTokens.token(ADMIN, Role.ADMIN);
    }

    /** A working API key of the agent: the agent is created with the role, or its key rotated when it exists. */
    public static String apiKey(HttpJson http, String agentId, Role role) {
        String admin = adminToken();
        HttpJson.Response created = http.postJson("/v1/admin/agents", admin, Map.of("agent_id", agentId, "role", role.wireName()));
        if (created.status() == 201) {
            return created.data().path("api_key").asText();
        }
        if (created.status() != 409) {
            throw new AssertionError("creating agent " + agentId + " failed: " + created.status() + " " + created.body());
        }
        HttpJson.Response rotated = http.postJson("/v1/admin/agents/" + agentId + "/keys", admin, Map.of());
        if (rotated.status() != 201) {
            throw new AssertionError("rotating the key of " + agentId + " failed: " + rotated.status() + " " + rotated.body());
        }
        return rotated.data().path("api_key").asText();
    }
}
