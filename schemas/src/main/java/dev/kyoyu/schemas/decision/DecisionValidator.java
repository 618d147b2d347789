package dev.kyoyu.schemas.decision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.schemas.decision.DecisionFields.Items;
import dev.kyoyu.schemas.event.TracedDecision;
import java.util.Set;
import java.util.UUID;

/**
 * Checks a whole decision as clients send it to {@code /v1/trace}, and as the sink and the decision stream
 * read it back from a {@code DecisionTraced} event: the same rules everywhere, so what the API accepted the
 * others can store. The granular events ({@link DecisionEvents}) are checked by the same field rules.
 */
public final class DecisionValidator {
    private static final Set<String> FIELDS = Set.of("id", "decision_type", "outcome", "confidence", "reasoning",
            "metadata", "valid_from", "alternatives", "evidence");

    private DecisionValidator() {
    }

    /**
     * @param node      the decision object
     * @param path      how to name it in errors, e.g. {@code decision}
     * @param defaultId the id to use when the decision brings none
     */
    public static TracedDecision parse(JsonNode node, String path, UUID defaultId) throws InvalidDecision {
        ObjectNode decision = DecisionFields.object(node, path);
        DecisionFields.onlyKnown(decision, path, FIELDS);
        UUID id = decision.hasNonNull("id") ? DecisionFields.uuid(decision, path, "id", true) : defaultId;
        if (id == null) {
            throw new InvalidDecision(path + ".id", "must be a UUID in its 36-character text form");
        }
        // Items of a traced decision have always been open: fields they do not know are dropped, not refused.
        return new TracedDecision(id, DecisionFields.decisionType(decision, path),
                DecisionFields.requiredText(decision, path, "outcome", DecisionLimits.MAX_OUTCOME),
                DecisionFields.unitInterval(decision, path, "confidence"),
                DecisionFields.optionalText(decision, path, "reasoning", DecisionLimits.MAX_REASONING),
                DecisionFields.metadata(decision, path),
                DecisionFields.instant(decision, path, "valid_from"),
                DecisionFields.alternatives(decision, path, Items.OPEN),
                DecisionFields.evidence(decision, path, Items.OPEN));
    }
}
