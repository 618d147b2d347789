package dev.kyoyu.schemas.event;

import java.time.Duration;

/**
 * Per-event limits of the ingest contract.
 *
 * @param maxPayloadBytes size of the serialized payload object
 * @param maxFutureSkew   how far occurred_at may lie ahead of the server clock
 */
public record EventLimits(int maxPayloadBytes, Duration maxFutureSkew) {
    public static final EventLimits DEFAULTS = new EventLimits(64 * 1024, Duration.ofMinutes(5));

    public EventLimits {
        if (maxPayloadBytes <= 0) {
            throw new IllegalArgumentException("maxPayloadBytes must be positive");
        }
        if (maxFutureSkew.isNegative()) {
            throw new IllegalArgumentException("maxFutureSkew must not be negative");
        }
    }
}
