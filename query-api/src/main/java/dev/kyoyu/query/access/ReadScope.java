package dev.kyoyu.query.access;

import dev.kyoyu.service.http.ApiException;
import dev.kyoyu.service.http.ErrorCode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whose decisions a caller may read: its own, those of agents that granted it access (access_grants), or,
 * for an admin, everyone's.
 *
 * @param agents the readable agents; ignored when {@code everyone}
 */
public record ReadScope(String callerAgentId, boolean everyone, Set<String> agents) {

    public ReadScope {
        agents = Set.copyOf(agents);
    }

    public boolean canRead(String agentId) {
        return everyone || agents.contains(agentId);
    }

    /** 403 naming the field when an explicitly requested agent is out of reach; silence would look like "no data". */
    public void requireReadable(List<String> requested, String field) {
        for (String agentId : requested) {
            if (!canRead(agentId)) {
                throw new ApiException(ErrorCode.FORBIDDEN, "agent " + callerAgentId + " may not read the decisions of agent "
                        + agentId + " (no access grant)", Map.of("field", field, "agent_id", agentId));
            }
        }
    }
}
