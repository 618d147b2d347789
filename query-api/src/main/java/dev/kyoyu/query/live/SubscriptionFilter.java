package dev.kyoyu.query.live;

import dev.kyoyu.query.access.ReadScope;
import java.util.List;

/**
 * What a subscriber asked for. Decisions match on their agent, type and confidence; conflicts match when
 * either agent is asked for and on their type (they carry no confidence). Either way the subscriber must be
 * allowed to read every agent in the record: a conflict shows both agents' outcomes.
 *
 * @param agentIds null for every agent the subscriber may read
 */
public record SubscriptionFilter(List<String> agentIds, String decisionType, Double confidenceMin) {

    boolean matches(FeedEvent event, ReadScope scope) {
        for (String agent : event.agents()) {
            if (!scope.canRead(agent)) {
                return false;
            }
        }
        if (agentIds != null && event.agents().stream().noneMatch(agentIds::contains)) {
            return false;
        }
        if (decisionType != null && !decisionType.equals(event.decisionType())) {
            return false;
        }
        if (confidenceMin != null && event.key().role() == FeedPosition.Role.DECISIONS) {
            return event.confidence() != null && event.confidence() >= confidenceMin;
        }
        return true;
    }
}
