package dev.kyoyu.stream.assembly;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.schemas.event.TracedDecision;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A decision started in a run and not yet made: the state kept between its events.
 *
 * @param openedBy  the DecisionStarted event
 * @param openedAt  when Kyoyu received it (the open-decision timeout counts from here)
 * @param reasoning the paragraphs of ReasoningStepCompleted events, in order
 */
public record OpenDecision(
        UUID id,
        UUID runId,
        String agentId,
        String decisionType,
        ObjectNode metadata,
        UUID openedBy,
        Instant openedAt,
        List<String> reasoning,
        List<TracedDecision.Alternative> alternatives,
        List<TracedDecision.Evidence> evidence) {

    public OpenDecision {
        reasoning = List.copyOf(reasoning);
        alternatives = List.copyOf(alternatives);
        evidence = List.copyOf(evidence);
    }

    OpenDecision withAlternative(TracedDecision.Alternative alternative) {
        return new OpenDecision(id, runId, agentId, decisionType, metadata, openedBy, openedAt, reasoning,
                append(alternatives, alternative), evidence);
    }

    OpenDecision withEvidence(TracedDecision.Evidence item) {
        return new OpenDecision(id, runId, agentId, decisionType, metadata, openedBy, openedAt, reasoning,
                alternatives, append(evidence, item));
    }

    OpenDecision withReasoning(String paragraph) {
        return new OpenDecision(id, runId, agentId, decisionType, metadata, openedBy, openedAt, append(reasoning, paragraph),
                alternatives, evidence);
    }

    int reasoningLength() {
        return reasoning.stream().mapToInt(String::length).sum() + Math.max(0, reasoning.size() - 1);
    }

    private static <T> List<T> append(List<T> list, T item) {
        List<T> copy = new ArrayList<>(list);
        copy.add(item);
        return copy;
    }
}
