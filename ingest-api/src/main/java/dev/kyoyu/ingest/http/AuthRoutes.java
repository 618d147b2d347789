package dev.kyoyu.ingest.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyoyu.ingest.admin.ApiKeyText;
import dev.kyoyu.schemas.identity.AgentRecord;
import dev.kyoyu.schemas.identity.ApiKeyRecord;
import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.service.auth.AgentIds;
import dev.kyoyu.service.auth.Audience;
import dev.kyoyu.service.auth.Tokens;
import dev.kyoyu.service.http.ApiException;
import dev.kyoyu.service.http.Envelope;
import dev.kyoyu.service.http.ErrorCode;
import dev.kyoyu.service.http.JsonBodies;
import dev.kyoyu.service.http.JsonLimits;
import dev.kyoyu.service.identity.IdentityView;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code POST /auth/token}: trade an agent's API key for a short-lived bearer token. The key is checked against this
 * process's identity view (no database): its id is read from the key text, and the stored SHA-256 compared in constant
 * time. Every mismatch (unknown key, wrong secret, another agent's key, expired or revoked key, revoked agent) gets
 * the same 401, so the answer tells a guesser nothing. The only body read before its sender is authenticated, so it is
 * read under tiny limits ({@link #limits}) and reserves no body budget.
 */
public final class AuthRoutes implements HttpService {
    public static final String TOKEN_PATH = "/auth/token";
    /** Hard maximum of a token's lifetime, whatever the request asks. */

    private final JsonBodies bodies;
    private final IdentityView identities;
    private final Tokens tokens;
    private final Clock clock;
    private final Counter badKeys;

    public AuthRoutes(JsonBodies bodies, IdentityView identities, Tokens tokens, Clock clock,
                      MeterRegistry registry) {
        this.bodies = bodies;
        this.identities = identities;
        this.tokens = tokens;
        this.clock = clock;
        this.badKeys = Counter.builder("kyoyu.auth.failures").tag("reason", "bad_api_key").register(registry);
    }

    /** {@code {"agent_id", "api_key", "audience"?, "lifetime_seconds"?}}: short values, a little room for a client's extra fields. */
    public static JsonLimits limits(int maxBodyBytes) {
        return new JsonLimits(maxBodyBytes, 4, 64, maxBodyBytes, 64, 32);
    }

    /** What a token is issued for. */
    @Override
    public void routing(HttpRules rules) {
        rules.post("/token", this::token);
    }

    private void token(ServerRequest req, ServerResponse res) throws Exception {
        if (!identities.ready()) {
            throw ApiException.unavailable("this replica is still loading the identity topic (API keys); try again shortly",
                    Duration.ofSeconds(2), null);
        }
        JsonNode body = bodies.readJson(req);
        String agentId = body.path("agent_id").asText(null);
        String apiKey = body.path("api_key").asText(null);
        if (!AgentIds.isValid(agentId)) {
            throw new ApiException(ErrorCode.INVALID_INPUT, "agent_id is required: " + AgentIds.rule(), Map.of("field", "agent_id"));
        }
        if (apiKey == null || apiKey.isEmpty()) {
            throw new ApiException(ErrorCode.INVALID_INPUT, "api_key is required", Map.of("field", "api_key"));
        }
        Set<Audience> asked = audiences(body.get("audience"));
        Optional<Duration> lifetime = lifetime(body.get("lifetime_seconds"));
        Instant now = clock.instant();
        ApiKeyRecord key = usableKey(agentId, apiKey, now).orElseThrow(() -> {
            badKeys.increment();
            return new ApiException(ErrorCode.UNAUTHORIZED, "api_key is not valid for agent " + agentId);
        });
        AgentRecord agent = identities.agent(agentId).orElseThrow(); // usableKey found it, and not revoked
        Set<Audience> audiences = asked == null ? Tokens.defaultAudiences(agent.role()) : asked;
        if (agent.role() == Role.READER && audiences.contains(Audience.INGEST)) {
            throw new ApiException(ErrorCode.INVALID_INPUT, "agent " + agentId + " has role reader: its tokens are for "
                    + Audience.QUERY.claim() + " only", Map.of("field", "audience"));
        }
        Tokens.Issued issued = tokens.issue(agentId, agent.role(), key.keyId(), audiences, lifetime);
        Envelope.send(req, res, 200, Map.of("token", issued.token(), "expires_at", issued.expiresAt().toString(),
                "role", agent.role().wireName(), "audience", audiences.stream().map(Audience::claim).sorted().toList()));
    }

    /** The key record when every part matches: the text names a key of this agent, the hash agrees, both are live. */
    private Optional<ApiKeyRecord> usableKey(String agentId, String apiKey, Instant now) {
        Optional<ApiKeyRecord> key = ApiKeyText.keyId(apiKey).flatMap(identities::key);
        // Hash and compare even for an unknown key id, so the answer takes as long either way.
        String stored = key.map(ApiKeyRecord::sha256).orElse("0".repeat(64));
        boolean matches = ApiKeyText.matches(apiKey, stored);
        return key.filter(k -> matches && k.agentId().equals(agentId) && k.usableAt(now)
                && identities.agent(agentId).filter(a -> !a.revoked()).isPresent());
    }

    /** null when the request leaves it to the role. */
    private static Set<Audience> audiences(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        String rule = "audience must be a non-empty list of " + Audience.INGEST.claim() + " and " + Audience.QUERY.claim();
        if (!value.isArray() || value.isEmpty()) {
            throw new ApiException(ErrorCode.INVALID_INPUT, rule, Map.of("field", "audience"));
        }
        Set<Audience> audiences = EnumSet.noneOf(Audience.class);
        for (JsonNode item : value) {
            audiences.add((item.isTextual() ? Audience.ofClaim(item.asText()) : Optional.<Audience>empty())
                    .orElseThrow(() -> new ApiException(ErrorCode.INVALID_INPUT, rule, Map.of("field", "audience"))));
        }
        return audiences;
    }

    /** Empty when the request leaves it to the issuer's lifetime (which also caps a longer request). */
    private static Optional<Duration> lifetime(JsonNode value) {
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isIntegralNumber() || value.asLong() < 1 || value.asLong() > Tokens.MAX_LIFETIME.toSeconds()) {
            throw new ApiException(ErrorCode.INVALID_INPUT, "lifetime_seconds must be a whole number from 1 to "
                    + Tokens.MAX_LIFETIME.toSeconds(), Map.of("field", "lifetime_seconds"));
        }
        return Optional.of(Duration.ofSeconds(value.asLong()));
    }
}
