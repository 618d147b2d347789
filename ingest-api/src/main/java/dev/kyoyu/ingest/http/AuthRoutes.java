package dev.kyoyu.ingest.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyoyu.service.auth.AgentIds;
import dev.kyoyu.service.auth.ApiKeys;
import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.service.auth.Tokens;
import dev.kyoyu.service.http.ApiException;
import dev.kyoyu.service.http.Envelope;
import dev.kyoyu.service.http.ErrorCode;
import dev.kyoyu.service.http.JsonBodies;
import dev.kyoyu.service.http.JsonLimits;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /auth/token}: trade an agent's API key for a short-lived bearer token. The only body read before
 * its sender is authenticated, so it is read under tiny limits ({@link #limits}) and reserves no body budget.
 */
public final class AuthRoutes implements HttpService {
    public static final String TOKEN_PATH = "/auth/token";

    private final JsonBodies bodies;
    private final ApiKeys apiKeys;
    private final Tokens tokens;
    private final Set<String> adminAgents;
    private final Counter badKeys;

    public AuthRoutes(JsonBodies bodies, ApiKeys apiKeys, Tokens tokens, Set<String> adminAgents, MeterRegistry registry) {
        this.bodies = bodies;
        this.apiKeys = apiKeys;
        this.tokens = tokens;
        this.adminAgents = adminAgents;
        this.badKeys = Counter.builder("kyoyu.auth.failures").tag("reason", "bad_api_key").register(registry);
    }

    /** {@code {"agent_id": …, "api_key": …}}: two short strings, a little room for a client's extra fields. */
    public static JsonLimits limits(int maxBodyBytes) {
        return new JsonLimits(maxBodyBytes, 4, 64, maxBodyBytes, 64, 32);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/token", this::token);
    }

    private void token(ServerRequest req, ServerResponse res) throws Exception {
        JsonNode body = bodies.readJson(req);
        String agentId = body.path("agent_id").asText(null);
        String apiKey = body.path("api_key").asText(null);
        if (!AgentIds.isValid(agentId)) {
            throw new ApiException(ErrorCode.INVALID_INPUT, "agent_id is required: " + AgentIds.rule(), Map.of("field", "agent_id"));
        }
        if (apiKey == null || apiKey.isEmpty()) {
            throw new ApiException(ErrorCode.INVALID_INPUT, "api_key is required", Map.of("field", "api_key"));
        }
        if (!apiKeys.matches(agentId, apiKey)) {
            badKeys.increment();
            throw new ApiException(ErrorCode.UNAUTHORIZED, "api_key is not valid for agent " + agentId);
        }
        Role role = adminAgents.contains(agentId) ? Role.ADMIN : Role.AGENT;
        // The agent id stands in for the API key id until keys are stored identities with ids of their own.
        Tokens.Issued issued = tokens.issue(agentId, role, agentId, Tokens.defaultAudiences(role));
        Envelope.send(req, res, 200, Map.of("token", issued.token(), "expires_at", issued.expiresAt().toString()));
    }
}
