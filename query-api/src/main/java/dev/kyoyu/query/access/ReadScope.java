package dev.kyoyu.query.access;

import dev.kyoyu.service.http.ApiException;
import dev.kyoyu.service.http.ErrorCode;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whose decisions a caller may read, and until when. An admin reads everyone's; an agent reads its own and those
 * of the owners that granted it access; a reader reads only what it was granted (its own id is not in its scope:
 * a reader writes nothing, so nothing is its own). A grant counts only before its expiry, judged by this process's
 * clock at the moment of each read, not when the scope was loaded: a scope held by a long-lived subscription stops
 * covering an owner the instant the grant expires.
 *
 * @param own    whether the caller's own decisions are in scope (role agent)
 * @param grants owner agent id to when its grant expires ({@link Instant#MAX}: until withdrawn)
 */
public record ReadScope(String callerAgentId, boolean everyone, boolean own, Map<String, Instant> grants, Clock clock) {

    public ReadScope {
        grants = Map.copyOf(grants);
    }

    /** An admin's scope: every agent. */
    public static ReadScope everyone(String callerAgentId) {
        return new ReadScope(callerAgentId, true, false, Map.of(), Clock.systemUTC());
    }

    /** Exactly these agents, for ever (a scope without grants to expire, e.g. in tests). */
    public static ReadScope only(String callerAgentId, Set<String> agents) {
        Map<String, Instant> forever = new HashMap<>();
        agents.forEach(agent -> forever.put(agent, Instant.MAX));
        return new ReadScope(callerAgentId, false, false, forever, Clock.systemUTC());
    }

    public boolean canRead(String agentId) {
        return canReadAt(agentId, clock.instant());
    }

    public boolean canReadAt(String agentId, Instant now) {
        if (everyone || (own && agentId.equals(callerAgentId))) {
            return true;
        }
        Instant expires = grants.get(agentId);
        return expires != null && now.isBefore(expires);
    }

    /** Whether the agent was readable under a grant that has expired by now (not: never granted, or still valid). */
    public boolean expiredFor(String agentId) {
        Instant expires = grants.get(agentId);
        return expires != null && !clock.instant().isBefore(expires) && !canRead(agentId);
    }

    /** The agents readable now (meaningless when {@code everyone}); what a query's SQL filter is built from. */
    public Set<String> agents() {
        Instant now = clock.instant();
        Set<String> agents = new TreeSet<>();
        if (own) {
            agents.add(callerAgentId);
        }
        grants.forEach((owner, expires) -> {
            if (now.isBefore(expires)) {
                agents.add(owner);
            }
        });
        return agents;
    }

    /** 403 naming the field when an explicitly requested agent is out of reach; silence would look like "no data". */
    public void requireReadable(List<String> requested, String field) {
        Instant now = clock.instant();
        for (String agentId : requested) {
            if (!canReadAt(agentId, now)) {
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("field", field);
                details.put("agent_id", agentId);
                Instant expired = grants.get(agentId);
                if (expired != null) {
                    details.put("grant_expired_at", expired.toString());
                }
                throw new ApiException(ErrorCode.FORBIDDEN, "agent " + callerAgentId + " may not read the decisions of agent "
                        + agentId + " (" + why(agentId, expired) + ")", details);
            }
        }
    }

    private String why(String agentId, Instant expired) {
        if (expired != null) {
            return "its access grant expired at " + expired;
        }
        if (!own && agentId.equals(callerAgentId)) {
            return "a reader reads only what it was granted";
        }
        return "no access grant";
    }
}
