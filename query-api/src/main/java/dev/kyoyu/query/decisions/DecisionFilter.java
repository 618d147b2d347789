package dev.kyoyu.query.decisions;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The structured filters shared by /v1/query, /v1/query/temporal, /v1/search and the agent history.
 * Null means "no condition". Lists match any of their values.
 *
 * @param validFrom   inclusive lower bound on valid_from (time_range.from)
 * @param validBefore exclusive upper bound on valid_from (time_range.to)
 */
public record DecisionFilter(
        List<String> agentIds,
        UUID runId,
        List<String> decisionTypes,
        List<String> outcomes,
        Double confidenceMin,
        Instant validFrom,
        Instant validBefore) {

    public static final DecisionFilter NONE = new DecisionFilter(null, null, null, null, null, null, null);
}
