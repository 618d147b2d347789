package dev.kyoyu.testsupport;

import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.service.auth.Caller;
import dev.kyoyu.service.auth.Secret;
import dev.kyoyu.service.auth.Tokens;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * Agents of a test: tokens minted with the test signing key, and real API keys made the way an operator makes them,
 * through the admin endpoints of an ingest API started with the test secrets.
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

    /**
     * A token of an agent with role agent, minted like {@link #adminToken}: tests of the data paths need no identity
     * records (an agent the identity view never heard of is judged by its token's signature), and so their topics
     * hold only their own events, no audit runs.
     */
    public static String token(String agentId) {
        return minted(agentId, Role.AGENT);
    }
}
