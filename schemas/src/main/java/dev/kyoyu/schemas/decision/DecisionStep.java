package dev.kyoyu.schemas.decision;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.schemas.event.TracedDecision;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The payload of one granular decision event, checked field by field ({@link DecisionEvents#parse}).
 * {@code decisionId} is null when the event leaves it out: it then belongs to the run's one open decision.
 */
public sealed interface DecisionStep {
    UUID decisionId();

    /** {@code DecisionStarted}: opens a decision; its id defaults to the event's id. */
    record Started(UUID decisionId, String decisionType, ObjectNode metadata) implements DecisionStep {
    }

    /** {@code AlternativeConsidered}: an option that was weighed. */
    record AlternativeConsidered(UUID decisionId, TracedDecision.Alternative alternative) implements DecisionStep {
    }

    /** {@code EvidenceGathered}: something the decision rests on. */
    record EvidenceGathered(UUID decisionId, TracedDecision.Evidence evidence) implements DecisionStep {
    }

    /** {@code ReasoningStepCompleted}: one more paragraph of the decision's reasoning. */
    record ReasoningStep(UUID decisionId, String reasoning) implements DecisionStep {
    }

    /** {@code DecisionMade}: the outcome; completes the decision. {@code reasoning}, if given, is its last step. */
    record Made(UUID decisionId, String outcome, Double confidence, String reasoning, Instant validFrom) implements DecisionStep {
    }

    /**
     * {@code DecisionRevised}: a whole new decision replacing {@code revises} (same agent, same decision_type);
     * its id defaults to the event's id.
     */
    record Revised(UUID decisionId, UUID revises, String outcome, Double confidence, String reasoning, ObjectNode metadata,
                   Instant validFrom, List<TracedDecision.Alternative> alternatives, List<TracedDecision.Evidence> evidence)
            implements DecisionStep {
        public Revised {
            alternatives = List.copyOf(alternatives);
            evidence = List.copyOf(evidence);
        }
    }
}
