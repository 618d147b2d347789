package dev.kyoyu.testsupport;

import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.service.auth.Caller;
import dev.kyoyu.service.auth.Secret;
import dev.kyoyu.service.auth.Tokens;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * Agents of a test, made the way an operator makes them: through the admin endpoints of an ingest API started with the
 * test secrets. Only the first admin token is minted directly (the one a bootstrap would give); everything else goes
 * through {@code /v1/admin} and {@code /auth/token}.
 */
public final class TestAgents {
    public static final String ADMIN = "test-admin";

    private TestAgents() {
    }

    /** A token signed with the test signing key, as {@code POST /auth/token} would issue it to an agent of that role. */
    public static String minted(String agentId, Role role) {
        return new Tokens(new Secret(TestSecrets.JWT), Duration.ofHours(1), Clock.systemUTC()).issue(new Caller(agentId, role)).token();
    }

    public static String adminToken() {
        return minted(ADMIN, Role.ADMIN);
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

    /** A bearer token of an agent (role agent), got with its own API key from {@code POST /auth/token}. */
    public static String token(HttpJson ingest, String agentId) {
        return ingest.token(agentId, apiKey(ingest, agentId, Role.AGENT));
    }
}
