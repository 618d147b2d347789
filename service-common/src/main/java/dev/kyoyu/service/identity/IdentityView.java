package dev.kyoyu.service.identity;

import dev.kyoyu.schemas.identity.AgentRecord;
import dev.kyoyu.schemas.identity.ApiKeyRecord;
import dev.kyoyu.schemas.identity.GrantRecord;
import dev.kyoyu.schemas.identity.IdentityRecord;
import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.schemas.identity.RoleRecord;
import dev.kyoyu.service.auth.Revocations;
import dev.kyoyu.service.auth.TokenClaims;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This process's copy of the identity topic: the latest record per key, applied in topic order by one follower
 * thread and read by request threads. It answers who exists, which API keys are usable, and whether a token is
 * still honoured ({@link Revocations}); tokens of agents it has never heard of are judged by their signature alone.
 */
public final class IdentityView implements Revocations {
    private final Map<String, AgentRecord> agents = new ConcurrentHashMap<>();
    private final Map<String, ApiKeyRecord> keys = new ConcurrentHashMap<>();
    private final Map<Role, RoleRecord> roles = new ConcurrentHashMap<>();
    private final Map<String, GrantRecord> grants = new ConcurrentHashMap<>();
    private volatile boolean loaded;

    /** Called by the follower once the view holds everything the topic held when this process started. */
    public void markLoaded() {
        loaded = true;
    }

    /** Whether the view may be trusted: until it is loaded, a revocation it has not read yet would be missed. */
    @Override
    public boolean ready() {
        return loaded;
    }

    public void apply(IdentityRecord record) {
        switch (record) {
            case AgentRecord agent -> agents.put(agent.agentId(), agent);
            case ApiKeyRecord key -> keys.put(key.keyId(), key);
            case RoleRecord role -> roles.put(role.role(), role);
            case GrantRecord grant -> grants.put(grant.topicKey(), grant);
        }
    }

    public Optional<AgentRecord> agent(String agentId) {
        return Optional.ofNullable(agents.get(agentId));
    }

    public Optional<ApiKeyRecord> key(String keyId) {
        return Optional.ofNullable(keys.get(keyId));
    }

    public Optional<RoleRecord> role(Role role) {
        return Optional.ofNullable(roles.get(role));
    }

    public List<AgentRecord> agents() {
        return agents.values().stream().sorted(Comparator.comparing(AgentRecord::agentId)).toList();
    }

    public List<ApiKeyRecord> keysOf(String agentId) {
        return keys.values().stream().filter(k -> k.agentId().equals(agentId))
                .sorted(Comparator.comparing(ApiKeyRecord::createdAt)).toList();
    }

    public Optional<GrantRecord> grant(String granteeAgentId, String ownerAgentId) {
        return Optional.ofNullable(grants.get("grant/" + granteeAgentId + "/" + ownerAgentId));
    }

    /**
     * Why a correctly signed token is no longer honoured, or empty. Rules, in order: its agent is revoked; the agent's
     * role is no longer the token's; it was issued before the agent's tokensNotBefore; the API key it was traded for
     * is revoked or past its expiry (a rotated key's overlap ended); it was issued before its role's
     * tokensNotBefore. An agent, key or role the view has no record of refuses nothing.
     */
    @Override
    public Optional<String> refusal(TokenClaims claims, Instant now) {
        Instant issuedAt = claims.issuedAt() == null ? Instant.EPOCH : claims.issuedAt();
        AgentRecord agent = claims.agentId() == null ? null : agents.get(claims.agentId());
        if (agent != null) {
            if (agent.revoked()) {
                return Optional.of("agent " + claims.agentId() + " is revoked");
            }
            if (agent.role() != claims.role()) {
                return Optional.of("the role of agent " + claims.agentId() + " changed since the token was issued");
            }
            if (agent.tokensNotBefore() != null && issuedAt.isBefore(agent.tokensNotBefore())) {
                return Optional.of("tokens of agent " + claims.agentId() + " issued before "
                        + agent.tokensNotBefore() + " were revoked");
            }
        }
        ApiKeyRecord key = claims.apiKeyId() == null ? null : keys.get(claims.apiKeyId());
        if (key != null && key.revokedAt() != null) {
            return Optional.of("the API key the token was issued for is revoked");
        }
        if (key != null && !key.usableAt(now)) {
            return Optional.of("the API key the token was issued for has expired (it was rotated)");
        }
        RoleRecord role = claims.role() == null ? null : roles.get(claims.role());
        if (role != null && role.tokensNotBefore() != null && issuedAt.isBefore(role.tokensNotBefore())) {
            return Optional.of("tokens of role " + claims.role().wireName() + " issued before " + role.tokensNotBefore()
                    + " were revoked");
        }
        return Optional.empty();
    }
}
