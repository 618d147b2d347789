package dev.kyoyu.ingest.http;

import dev.kyoyu.ingest.kafka.EventPublisher;
import dev.kyoyu.ingest.ownership.RunOwnership;
import dev.kyoyu.schemas.event.EventValidator;
import dev.kyoyu.service.auth.Authenticator;
import dev.kyoyu.service.http.JsonBodies;
import java.time.Clock;

/** What every ingest route needs, built once by IngestApp. */
public record IngestRoutesContext(
        JsonBodies bodies,
        Authenticator authenticator,
        EventValidator validator,
        EventPublisher publisher,
        Clock clock,
        IngestMetrics metrics,
        IdempotencyKeys idempotencyKeys,
        RunOwnership ownership) {
}
