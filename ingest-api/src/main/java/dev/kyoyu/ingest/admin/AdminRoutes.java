package dev.kyoyu.ingest.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.schemas.identity.AgentRecord;
import dev.kyoyu.schemas.identity.ApiKeyRecord;
import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.service.auth.AgentIds;
import dev.kyoyu.service.auth.Authenticator;
import dev.kyoyu.service.auth.Caller;
import dev.kyoyu.service.http.ApiException;
import dev.kyoyu.service.http.Envelope;
import dev.kyoyu.service.http.ErrorCode;
import dev.kyoyu.service.http.JsonBodies;
import dev.kyoyu.service.identity.IdentityView;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * {@code /v1/admin}: manage agents, their keys and roles, role-wide token revocation and grants. Admins only. Every
 * action answers after its records and audit run are committed to Kafka ({@link AdminActions}); the answer carries
 * {@code audit_run_id}, the run that recorded it. An API key appears in an answer once, when it is made.
 */
public final class AdminRoutes implements HttpService {
    private final JsonBodies bodies;
    private final Authenticator authenticator;
    private final IdentityView view;
    private final AdminActions actions;
    private final Duration defaultOverlap;
    private final Clock clock;

    public AdminRoutes(JsonBodies bodies, Authenticator authenticator, IdentityView view, AdminActions actions,
                       Duration defaultOverlap, Clock clock) {
        this.bodies = bodies;
        this.authenticator = authenticator;
        this.view = view;
        this.actions = actions;
        this.defaultOverlap = defaultOverlap;
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/agents", this::create);
        rules.get("/agents", this::list);
        rules.get("/agents/{agent_id}", this::show);
        rules.post("/agents/{agent_id}/keys", this::rotate);
        rules.delete("/agents/{agent_id}/keys/{key_id}", this::revokeKey);
        rules.post("/agents/{agent_id}/revoke", this::revokeAgent);
        rules.put("/agents/{agent_id}/role", this::setRole);
        rules.post("/roles/{role}/revoke-tokens", this::revokeRoleTokens);
        rules.put("/grants/{grantee}/{owner}", this::grant);
        rules.delete("/grants/{grantee}/{owner}", this::ungrant);
    }

    private void create(ServerRequest req, ServerResponse res) throws Exception {
        Caller admin = admin(req);
        ObjectNode body = body(req, Set.of("agent_id", "role"), true);
        String agentId = agentIdField(body.get("agent_id"), "agent_id");
        Role role = body.hasNonNull("role") ? role(body.get("role"), "role") : Role.AGENT;
        AdminActions.Issued issued = actions.createAgent(admin.agentId(), agentId, role);
        Envelope.send(req, res, 201, issuedKey(issued));
    }

    private void list(ServerRequest req, ServerResponse res) {
        admin(req);
        Envelope.send(req, res, 200, Map.of("agents", view.agents().stream().map(this::describe).toList()));
    }

    private void show(ServerRequest req, ServerResponse res) {
        admin(req);
        Envelope.send(req, res, 200, describe(actions.agent(pathAgent(req, "agent_id"))));
    }

    private void rotate(ServerRequest req, ServerResponse res) throws Exception {
        Caller admin = admin(req);
        String agentId = pathAgent(req, "agent_id");
        ObjectNode body = body(req, Set.of("overlap_seconds"), false);
        Duration overlap = defaultOverlap;
        if (body.hasNonNull("overlap_seconds")) {
            JsonNode value = body.get("overlap_seconds");
            if (!value.canConvertToLong() || !value.isIntegralNumber() || value.asLong() < 0 || value.asLong() > 366L * 86400) {
                throw new ApiException(ErrorCode.INVALID_INPUT, "overlap_seconds must be a whole number of seconds from 0 to "
                        + 366L * 86400, Map.of("field", "overlap_seconds"));
            }
            overlap = Duration.ofSeconds(value.asLong());
        }
        Envelope.send(req, res, 201, issuedKey(actions.rotateKey(admin.agentId(), agentId, overlap)));
    }

    private void revokeKey(ServerRequest req, ServerResponse res) {
        Caller admin = admin(req);
        String agentId = pathAgent(req, "agent_id");
        String keyId = req.path().pathParameters().get("key_id");
        if (!keyId.matches("[0-9a-f]{16}")) {
            throw new ApiException(ErrorCode.INVALID_INPUT, "key_id in the path must be 16 lowercase hex characters",
                    Map.of("field", "key_id"));
        }
        UUID run = actions.revokeKey(admin.agentId(), agentId, keyId);
        Envelope.send(req, res, 200, Map.of("agent_id", agentId, "key_id", keyId, "revoked", true, "audit_run_id", run.toString()));
    }

    private void revokeAgent(ServerRequest req, ServerResponse res) {
        Caller admin = admin(req);
        String agentId = pathAgent(req, "agent_id");
        UUID run = actions.revokeAgent(admin.agentId(), agentId);
        Map<String, Object> data = describe(actions.agent(agentId));
        data.put("audit_run_id", run.toString());
        Envelope.send(req, res, 200, data);
    }

    private void setRole(ServerRequest req, ServerResponse res) throws Exception {
        Caller admin = admin(req);
        String agentId = pathAgent(req, "agent_id");
        ObjectNode body = body(req, Set.of("role"), true);
        Role role = role(body.get("role"), "role");
        UUID run = actions.setRole(admin.agentId(), agentId, role);
        Map<String, Object> data = describe(actions.agent(agentId));
        data.put("audit_run_id", run.toString());
        Envelope.send(req, res, 200, data);
    }

    private void revokeRoleTokens(ServerRequest req, ServerResponse res) {
        Caller admin = admin(req);
        String raw = req.path().pathParameters().get("role");
        Role role = Role.parse(raw).orElseThrow(() -> new ApiException(ErrorCode.INVALID_INPUT,
                "role must be one of " + Role.choices(), Map.of("field", "role")));
        UUID run = actions.revokeRoleTokens(admin.agentId(), role);
        Envelope.send(req, res, 200, Map.of("role", role.wireName(),
                "tokens_not_before", view.role(role).map(r -> r.tokensNotBefore().toString()).orElse(""),
                "audit_run_id", run.toString()));
    }

    private void grant(ServerRequest req, ServerResponse res) throws Exception {
        Caller admin = admin(req);
        String grantee = pathAgent(req, "grantee");
        String owner = pathAgent(req, "owner");
        ObjectNode body = body(req, Set.of("expires_at"), false);
        Instant expiresAt = null;
        if (body.hasNonNull("expires_at")) {
            try {
                expiresAt = Instant.parse(body.get("expires_at").asText());
            } catch (DateTimeParseException e) {
                throw new ApiException(ErrorCode.INVALID_INPUT, "expires_at must be an ISO-8601 instant such as 2026-12-31T00:00:00Z",
                        Map.of("field", "expires_at"));
            }
            if (!expiresAt.isAfter(clock.instant())) {
                throw new ApiException(ErrorCode.INVALID_INPUT, "expires_at must be in the future", Map.of("field", "expires_at"));
            }
        }
        AdminActions.Granted granted = actions.grant(admin.agentId(), grantee, owner, expiresAt);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("grantee_agent_id", grantee);
        data.put("owner_agent_id", owner);
        data.put("granted_at", granted.grant().grantedAt().toString());
        data.put("expires_at", expiresAt == null ? null : expiresAt.toString());
        data.put("audit_run_id", granted.auditRunId().toString());
        Envelope.send(req, res, 200, data);
    }

    private void ungrant(ServerRequest req, ServerResponse res) {
        Caller admin = admin(req);
        String grantee = pathAgent(req, "grantee");
        String owner = pathAgent(req, "owner");
        UUID run = actions.ungrant(admin.agentId(), grantee, owner);
        Envelope.send(req, res, 200, Map.of("grantee_agent_id", grantee, "owner_agent_id", owner, "withdrawn", true,
                "audit_run_id", run.toString()));
    }

    private Caller admin(ServerRequest req) {
        Caller caller = authenticator.authenticate(req);
        if (!caller.admin()) {
            throw new ApiException(ErrorCode.FORBIDDEN, "managing identities needs role admin; agent " + caller.agentId()
                    + " has role " + caller.role().wireName(), Map.of("role", caller.role().wireName(), "required_role", "admin"));
        }
        return caller;
    }

    private Map<String, Object> issuedKey(AdminActions.Issued issued) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("agent_id", issued.agent().agentId());
        data.put("role", issued.agent().role().wireName());
        data.put("key_id", issued.key().keyId());
        data.put("api_key", issued.key().text());
        data.put("audit_run_id", issued.auditRunId().toString());
        return data;
    }

    private Map<String, Object> describe(AgentRecord agent) {
        Instant now = clock.instant();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("agent_id", agent.agentId());
        data.put("role", agent.role().wireName());
        data.put("revoked", agent.revoked());
        data.put("created_at", agent.createdAt().toString());
        data.put("tokens_not_before", agent.tokensNotBefore().toString());
        data.put("updated_at", agent.updatedAt().toString());
        data.put("updated_by", agent.updatedBy());
        data.put("keys", view.keysOf(agent.agentId()).stream().map(k -> describe(k, now)).toList());
        return data;
    }

    private static Map<String, Object> describe(ApiKeyRecord key, Instant now) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("key_id", key.keyId());
        data.put("created_at", key.createdAt().toString());
        data.put("expires_at", key.expiresAt() == null ? null : key.expiresAt().toString());
        data.put("revoked_at", key.revokedAt() == null ? null : key.revokedAt().toString());
        data.put("usable", key.usableAt(now));
        return data;
    }

    /** A JSON object of the allowed fields; an unknown field is refused so a typo never passes silently. */
    private ObjectNode body(ServerRequest req, Set<String> allowed, boolean required) throws Exception {
        if (!req.content().hasEntity()) {
            if (required) {
                throw new ApiException(ErrorCode.INVALID_INPUT, "a JSON body with " + allowed + " is required",
                        Map.of("field", allowed.iterator().next()));
            }
            return dev.kyoyu.schemas.event.EventJson.MAPPER.createObjectNode();
        }
        JsonNode body = bodies.readJson(req);
        if (!(body instanceof ObjectNode object)) {
            throw new ApiException(ErrorCode.INVALID_INPUT, "request body must be a JSON object", Map.of("field", "body"));
        }
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                boolean printable = AgentIds.isValid(name) && name.length() <= 64;
                throw new ApiException(ErrorCode.INVALID_INPUT, (printable ? "unknown field '" + name + "'" : "an unknown field")
                        + "; allowed: " + allowed, Map.of("field", printable ? name : "body"));
            }
        }
        return object;
    }

    private static String agentIdField(JsonNode value, String field) {
        String text = value == null || !value.isTextual() ? null : value.asText();
        if (!AgentIds.isValid(text)) {
            throw new ApiException(ErrorCode.INVALID_INPUT, field + " is required: " + AgentIds.rule(), Map.of("field", field));
        }
        return text;
    }

    private static String pathAgent(ServerRequest req, String parameter) {
        String text = req.path().pathParameters().get(parameter);
        if (!AgentIds.isValid(text)) {
            throw new ApiException(ErrorCode.INVALID_INPUT, parameter + " in the path must be " + AgentIds.rule(),
                    Map.of("field", parameter));
        }
        return text;
    }

    private static Role role(JsonNode value, String field) {
        return (value == null || !value.isTextual() ? java.util.Optional.<Role>empty() : Role.parse(value.asText()))
                .orElseThrow(() -> new ApiException(ErrorCode.INVALID_INPUT, field + " must be one of " + Role.choices(),
                        Map.of("field", field)));
    }
}
