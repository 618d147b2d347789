package dev.kyoyu.ingest.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.schemas.identity.AgentRecord;
import dev.kyoyu.schemas.identity.ApiKeyRecord;
import dev.kyoyu.schemas.identity.GrantRecord;
import dev.kyoyu.schemas.identity.IdentityRecord;
import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.schemas.identity.RoleRecord;
import dev.kyoyu.service.http.ApiException;
import dev.kyoyu.service.http.ErrorCode;
import dev.kyoyu.service.identity.IdentityView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What an admin may do to identities: each action reads the current state from the {@link IdentityView}, writes the
 * whole new state of every record it changes plus its audit run, all in one transaction ({@link AdminPublisher}).
 * Actions of one process run one at a time, so each reads the state the previous one wrote. Used by the admin
 * endpoints and by the bootstrap of the first admin.
 */
public final class AdminActions {
    private final IdentityView view;
    private final AdminPublisher publisher;
    private final AuditTrail audit;
    private final Clock clock;

    public AdminActions(IdentityView view, AdminPublisher publisher, AuditTrail audit, Clock clock) {
        this.view = view;
        this.publisher = publisher;
        this.audit = audit;
        this.clock = clock;
    }

    /** A new key (its text is shown once) and the audit run that recorded it. */
    public record Issued(AgentRecord agent, ApiKeyText.Minted key, UUID auditRunId) {
    }

    public synchronized Issued createAgent(String adminId, String agentId, Role role) {
        if (view.agent(agentId).isPresent()) {
            throw new ApiException(ErrorCode.CONFLICT, "agent " + agentId + " already exists; rotate its key instead",
                    Map.of("field", "agent_id"));
        }
        Instant now = clock.instant();
        AgentRecord agent = new AgentRecord(agentId, role, false, now, wholeSecond(now), now, adminId);
        ApiKeyText.Minted key = ApiKeyText.mint();
        ApiKeyRecord keyRecord = new ApiKeyRecord(key.keyId(), agentId, key.sha256(), now, null, null);
        UUID run = publish(adminId, AdminAction.AGENT_CREATED,
                target(agentId).put("role", role.wireName()).put("key_id", key.keyId()), now, List.of(agent, keyRecord));
        return new Issued(agent, key, run);
    }

    /** A new key; the agent's other usable keys stay usable for {@code overlap}, then expire. */
    public synchronized Issued rotateKey(String adminId, String agentId, Duration overlap) {
        AgentRecord agent = activeAgent(agentId);
        Instant now = clock.instant();
        Instant oldKeysEnd = now.plus(overlap);
        List<IdentityRecord> records = new ArrayList<>();
        for (ApiKeyRecord old : view.keysOf(agentId)) {
            if (old.usableAt(now) && (old.expiresAt() == null || old.expiresAt().isAfter(oldKeysEnd))) {
                records.add(new ApiKeyRecord(old.keyId(), old.agentId(), old.sha256(), old.createdAt(), oldKeysEnd, null));
            }
        }
        ApiKeyText.Minted key = ApiKeyText.mint();
        records.add(new ApiKeyRecord(key.keyId(), agentId, key.sha256(), now, null, null));
        UUID run = publish(adminId, AdminAction.KEY_ROTATED, target(agentId).put("key_id", key.keyId())
                .put("old_keys_expire_at", oldKeysEnd.toString()), now, records);
        return new Issued(agent, key, run);
    }

    public synchronized UUID revokeKey(String adminId, String agentId, String keyId) {
        agent(agentId);
        ApiKeyRecord key = view.key(keyId).filter(k -> k.agentId().equals(agentId)).orElseThrow(() ->
                new ApiException(ErrorCode.NOT_FOUND, "agent " + agentId + " has no key " + keyId, Map.of("field", "key_id")));
        Instant now = clock.instant();
        List<IdentityRecord> records = key.revokedAt() != null ? List.of()
                : List.of(new ApiKeyRecord(key.keyId(), key.agentId(), key.sha256(), key.createdAt(), key.expiresAt(), now));
        return publish(adminId, AdminAction.KEY_REVOKED, target(agentId).put("key_id", keyId), now, records);
    }

    /** Every key revoked, every token refused, for good. */
    public synchronized UUID revokeAgent(String adminId, String agentId) {
        AgentRecord agent = agent(agentId);
        Instant now = clock.instant();
        List<IdentityRecord> records = new ArrayList<>();
        records.add(new AgentRecord(agentId, agent.role(), true, agent.createdAt(), now, now, adminId));
        for (ApiKeyRecord key : view.keysOf(agentId)) {
            if (key.revokedAt() == null) {
                records.add(new ApiKeyRecord(key.keyId(), key.agentId(), key.sha256(), key.createdAt(), key.expiresAt(), now));
            }
        }
        return publish(adminId, AdminAction.AGENT_REVOKED, target(agentId), now, records);
    }

    /** The new role applies to tokens issued from now on; earlier ones are refused. */
    public synchronized UUID setRole(String adminId, String agentId, Role role) {
        AgentRecord agent = activeAgent(agentId);
        Instant now = clock.instant();
        AgentRecord changed = new AgentRecord(agentId, role, false, agent.createdAt(), wholeSecond(now), now, adminId);
        return publish(adminId, AdminAction.ROLE_CHANGED, target(agentId).put("role", role.wireName())
                .put("previous_role", agent.role().wireName()), now, List.of(changed));
    }

    public synchronized UUID revokeRoleTokens(String adminId, Role role) {
        Instant now = clock.instant();
        Instant floor = nextWholeSecond(now);
        ObjectNode target = EventJson.MAPPER.createObjectNode().put("role", role.wireName()).put("tokens_not_before", floor.toString());
        return publish(adminId, AdminAction.ROLE_TOKENS_REVOKED, target, now, List.of(new RoleRecord(role, floor, now, adminId)));
    }

    public record Granted(GrantRecord grant, UUID auditRunId) {
    }

    public synchronized Granted grant(String adminId, String grantee, String owner, Instant expiresAt) {
        agent(grantee);
        Instant now = clock.instant();
        GrantRecord grant = new GrantRecord(grantee, owner, now, expiresAt, null, adminId);
        ObjectNode target = EventJson.MAPPER.createObjectNode().put("grantee_agent_id", grantee).put("owner_agent_id", owner);
        target.put("expires_at", expiresAt == null ? null : expiresAt.toString());
        return new Granted(grant, publish(adminId, AdminAction.GRANT_GIVEN, target, now, List.of(grant)));
    }

    public synchronized UUID ungrant(String adminId, String grantee, String owner) {
        GrantRecord grant = view.grant(grantee, owner).filter(g -> g.withdrawnAt() == null).orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND,
                        "agent " + grantee + " holds no grant on the data of " + owner, Map.of("field", "owner")));
        Instant now = clock.instant();
        ObjectNode target = EventJson.MAPPER.createObjectNode().put("grantee_agent_id", grantee).put("owner_agent_id", owner);
        return publish(adminId, AdminAction.GRANT_WITHDRAWN, target, now, List.of(new GrantRecord(grantee, owner,
                grant.grantedAt(), grant.expiresAt(), now, adminId)));
    }

    public AgentRecord agent(String agentId) {
        return view.agent(agentId).orElseThrow(() ->
                new ApiException(ErrorCode.NOT_FOUND, "agent " + agentId + " not found", Map.of("field", "agent_id")));
    }

    private AgentRecord activeAgent(String agentId) {
        AgentRecord agent = agent(agentId);
        if (agent.revoked()) {
            throw new ApiException(ErrorCode.CONFLICT, "agent " + agentId + " is revoked", Map.of("field", "agent_id"));
        }
        return agent;
    }

    private UUID publish(String adminId, AdminAction action, ObjectNode target, Instant now, List<IdentityRecord> records) {
        AuditTrail.Run run = audit.record(adminId, action, target, now);
        publisher.publish(records, run.events());
        return run.runId();
    }

    /*
     * A token's issue time has whole seconds (JWT iat). A floor inside a second would refuse tokens issued later in that
     * same second, so floors are whole seconds: down where another check refuses the older tokens anyway (a new agent
     * has none; a changed role fails the role check), up where the floor is the only check (a role's tokens).
     */
    private static Instant wholeSecond(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS);
    }

    private static Instant nextWholeSecond(Instant instant) {
        Instant down = wholeSecond(instant);
        return down.equals(instant) ? down : down.plusSeconds(1);
    }

    private static ObjectNode target(String agentId) {
        return EventJson.MAPPER.createObjectNode().put("agent_id", agentId);
    }
}
