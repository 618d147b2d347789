package dev.kyoyu.query.decisions;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A decision as the read API shows it. {@code metadata} is the client's object without {@code embedding}
 * (a client-supplied vector is stored in the vector column and would only bloat answers).
 * {@code alternatives} and {@code evidence} appear when asked for with {@code include}.
 */
public record DecisionView(
        UUID id,
        UUID runId,
        String agentId,
        String decisionType,
        String outcome,
        Double confidence,
        String reasoning,
        @JsonRawValue String metadata,
        Instant validFrom,
        Instant validTo,
        Instant transactionTime,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<Alternative> alternatives,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<Evidence> evidence) {

    public record Alternative(String label, Double score, boolean selected, String rejectionReason) {
    }

    public record Evidence(String sourceType, String sourceUri, String content, Double relevanceScore) {
    }

    DecisionView with(List<Alternative> alternatives, List<Evidence> evidence) {
        return new DecisionView(id, runId, agentId, decisionType, outcome, confidence, reasoning, metadata, validFrom,
                validTo, transactionTime, alternatives, evidence);
    }
}
