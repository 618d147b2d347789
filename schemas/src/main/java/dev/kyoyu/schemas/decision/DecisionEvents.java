package dev.kyoyu.schemas.decision;

import static dev.kyoyu.schemas.decision.PayloadFields.MAX_OUTCOME;
import static dev.kyoyu.schemas.decision.PayloadFields.MAX_REASONING;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The granular decision events an agent posts while it decides, and the payload each must carry
 * (docs/decision-events.md; JSON Schema {@code schemas/decision-events.v1.schema.json}). The ingest API stores
 * them like any event; the decision stream reads them with {@link #parse} and assembles decisions.
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

    /** The same rule as {@code /v1/trace}: e.g. {@code loan_approval}, {@code risk:limit-change}. */
    private static final Pattern DECISION_TYPE = Pattern.compile("^[A-Za-z][A-Za-z0-9_.:-]{0,99}$");
    private static final String PATH = "payload";

    private DecisionEvents() {
    }

    public static boolean isDecisionEvent(String eventType) {
        return TYPES.contains(eventType);
    }

    /** Checks the payload of a decision event of the given type; throws with the offending field otherwise. */
    public static DecisionStep parse(String eventType, ObjectNode payload) throws InvalidDecisionEvent {
        return switch (eventType) {
            case DECISION_STARTED -> started(payload);
            case ALTERNATIVE_CONSIDERED -> new DecisionStep.AlternativeConsidered(decisionId(payload),
                    PayloadFields.alternative(payload, PATH, Set.of("decision_id")));
            case EVIDENCE_GATHERED -> new DecisionStep.EvidenceGathered(decisionId(payload),
                    PayloadFields.evidence(payload, PATH, Set.of("decision_id")));
            case REASONING_STEP_COMPLETED -> {
                PayloadFields.onlyKnown(payload, PATH, Set.of("decision_id", "reasoning"));
                yield new DecisionStep.ReasoningStep(decisionId(payload),
                        PayloadFields.requiredText(payload, PATH, "reasoning", MAX_REASONING));
            }
            case DECISION_MADE -> {
                PayloadFields.onlyKnown(payload, PATH, Set.of("decision_id", "outcome", "confidence", "reasoning", "valid_from"));
                yield new DecisionStep.Made(decisionId(payload),
                        PayloadFields.requiredText(payload, PATH, "outcome", MAX_OUTCOME),
                        PayloadFields.unitInterval(payload, PATH, "confidence"),
                        PayloadFields.optionalText(payload, PATH, "reasoning", MAX_REASONING),
                        PayloadFields.instant(payload, PATH, "valid_from"));
            }
            case DECISION_REVISED -> revised(payload);
            default -> throw new IllegalArgumentException(eventType + " is not a decision event");
        };
    }

    private static DecisionStep.Started started(ObjectNode payload) throws InvalidDecisionEvent {
        PayloadFields.onlyKnown(payload, PATH, Set.of("decision_id", "decision_type", "metadata"));
        String type = PayloadFields.requiredText(payload, PATH, "decision_type", 100);
        if (!DECISION_TYPE.matcher(type).matches()) {
            throw new InvalidDecisionEvent(PATH + ".decision_type",
                    "must start with a letter and use letters, digits and _ . : - (e.g. loan_approval)");
        }
        return new DecisionStep.Started(decisionId(payload), type, PayloadFields.metadata(payload, PATH));
    }

    private static DecisionStep.Revised revised(ObjectNode payload) throws InvalidDecisionEvent {
        PayloadFields.onlyKnown(payload, PATH, Set.of("decision_id", "revises", "outcome", "confidence", "reasoning",
                "metadata", "valid_from", "alternatives", "evidence"));
        UUID decisionId = decisionId(payload);
        UUID revises = PayloadFields.uuid(payload, PATH, "revises", true);
        if (revises.equals(decisionId)) {
            throw new InvalidDecisionEvent(PATH + ".revises", "a decision cannot revise itself");
        }
        return new DecisionStep.Revised(decisionId, revises,
                PayloadFields.requiredText(payload, PATH, "outcome", MAX_OUTCOME),
                PayloadFields.unitInterval(payload, PATH, "confidence"),
                PayloadFields.optionalText(payload, PATH, "reasoning", MAX_REASONING),
                PayloadFields.metadata(payload, PATH),
                PayloadFields.instant(payload, PATH, "valid_from"),
                PayloadFields.alternatives(payload, PATH),
                PayloadFields.evidence(payload, PATH));
    }

    private static UUID decisionId(ObjectNode payload) throws InvalidDecisionEvent {
        return PayloadFields.uuid(payload, PATH, "decision_id", false);
    }
}
