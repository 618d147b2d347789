package dev.kyoyu.schemas.decision;

import java.util.UUID;

/**
 * A decision event the stream could not use, published to {@code kyoyu.decisions.rejected.v1} (keyed by agent id).
 * The event itself was accepted into {@code kyoyu.events.v1} and is stored in {@code agent_events}; this says why
 * it did not become part of a decision.
 *
 * @param reason  machine-readable, e.g. {@code invalid_payload}, {@code no_open_decision}; see docs/decision-events.md
 * @param field   the offending payload field, e.g. {@code payload.confidence}, or null when the event as a whole is wrong
 */
public record RejectedDecisionEvent(
        UUID eventId,
        UUID runId,
        String agentId,
        String eventType,
        String reason,
        String field,
        String message) {
}
