package dev.kyoyu.schemas.decision;

import static dev.kyoyu.schemas.decision.DecisionLimits.MAX_OUTCOME;
import static dev.kyoyu.schemas.decision.DecisionLimits.MAX_REASONING;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.schemas.decision.DecisionFields.Items;
import java.util.Set;
import java.util.UUID;

/**
 * The granular decision events an agent posts while it decides, and the payload each must carry
 * (docs/decision-events.md; JSON Schema {@code schemas/decision-events.v1.schema.json}). The ingest API stores
 * them like any event; the decision stream reads them with {@link #parse} and assembles decisions. The field
 * rules and limits are those of a whole decision ({@link DecisionFields}, {@link DecisionLimits}).
 */
public final class DecisionEvents {
    public static final String DECISION_STARTED = "DecisionStarted";
    public static final String ALTERNATIVE_CONSIDERED = "AlternativeConsidered";
    public static final String EVIDENCE_GATHERED = "EvidenceGathered";
    public static final String REASONING_STEP_COMPLETED = "ReasoningStepCompleted";
    public static final String DECISION_MADE = "DecisionMade";
    public static final String DECISION_REVISED = "DecisionRevised";

    public static final Set<String> TYPES = Set.of(DECISION_STARTED, ALTERNATIVE_CONSIDERED, EVIDENCE_GATHERED,
            REASONING_STEP_COMPLETED, DECISION_MADE, DECISION_REVISED);

    private static final String PATH = "payload";

    private DecisionEvents() {
    }

    public static boolean isDecisionEvent(String eventType) {
        return TYPES.contains(eventType);
    }

    /** Checks the payload of a decision event of the given type; throws with the offending field otherwise. */
    public static DecisionStep parse(String eventType, ObjectNode payload) throws InvalidDecision {
        return switch (eventType) {
            case DECISION_STARTED -> {
                DecisionFields.onlyKnown(payload, PATH, Set.of("decision_id", "decision_type", "metadata"));
                String type = DecisionFields.decisionType(payload, PATH);
                yield new DecisionStep.Started(decisionId(payload), type, DecisionFields.metadata(payload, PATH));
            }
            case ALTERNATIVE_CONSIDERED -> {
                UUID decisionId = decisionId(payload);
                DecisionFields.onlyKnown(payload, PATH, DecisionFields.with(DecisionFields.ALTERNATIVE_FIELDS, "decision_id"));
                yield new DecisionStep.AlternativeConsidered(decisionId, DecisionFields.alternative(payload, PATH));
            }
            case EVIDENCE_GATHERED -> {
                UUID decisionId = decisionId(payload);
                DecisionFields.onlyKnown(payload, PATH, DecisionFields.with(DecisionFields.EVIDENCE_FIELDS, "decision_id"));
                yield new DecisionStep.EvidenceGathered(decisionId, DecisionFields.evidence(payload, PATH));
            }
            case REASONING_STEP_COMPLETED -> {
                DecisionFields.onlyKnown(payload, PATH, Set.of("decision_id", "reasoning"));
                yield new DecisionStep.ReasoningStep(decisionId(payload),
                        DecisionFields.requiredText(payload, PATH, "reasoning", MAX_REASONING));
            }
            case DECISION_MADE -> {
                DecisionFields.onlyKnown(payload, PATH, Set.of("decision_id", "outcome", "confidence", "reasoning", "valid_from"));
                yield new DecisionStep.Made(decisionId(payload),
                        DecisionFields.requiredText(payload, PATH, "outcome", MAX_OUTCOME),
                        DecisionFields.unitInterval(payload, PATH, "confidence"),
                        DecisionFields.optionalText(payload, PATH, "reasoning", MAX_REASONING),
                        DecisionFields.instant(payload, PATH, "valid_from"));
            }
            case DECISION_REVISED -> revised(payload);
            default -> throw new IllegalArgumentException(eventType + " is not a decision event");
        };
    }

    private static DecisionStep.Revised revised(ObjectNode payload) throws InvalidDecision {
        DecisionFields.onlyKnown(payload, PATH, Set.of("decision_id", "revises", "outcome", "confidence", "reasoning",
                "metadata", "valid_from", "alternatives", "evidence"));
        UUID decisionId = decisionId(payload);
        UUID revises = DecisionFields.uuid(payload, PATH, "revises", true);
        if (revises.equals(decisionId)) {
            throw new InvalidDecision(PATH + ".revises", "a decision cannot revise itself");
        }
        return new DecisionStep.Revised(decisionId, revises,
                DecisionFields.requiredText(payload, PATH, "outcome", MAX_OUTCOME),
                DecisionFields.unitInterval(payload, PATH, "confidence"),
                DecisionFields.optionalText(payload, PATH, "reasoning", MAX_REASONING),
                DecisionFields.metadata(payload, PATH),
                DecisionFields.instant(payload, PATH, "valid_from"),
                DecisionFields.alternatives(payload, PATH, Items.CLOSED),
                DecisionFields.evidence(payload, PATH, Items.CLOSED));
    }

    private static UUID decisionId(ObjectNode payload) throws InvalidDecision {
        return DecisionFields.uuid(payload, PATH, "decision_id", false);
    }
}
