package dev.kyoyu.ingest.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The ingest counters (docs/architecture.md lists them). No agent_id label on purpose: thousands of agents would mean
 * thousands of series; per-agent questions are for the query API.
 */
public final class IngestMetrics {
    private final Counter accepted;
    private final Counter rejected;
    private final DistributionSummary requestEvents;

    public IngestMetrics(MeterRegistry registry) {
        this.accepted = Counter.builder("kyoyu.events.ingested").tag("outcome", "accepted").register(registry);
        this.rejected = Counter.builder("kyoyu.events.ingested").tag("outcome", "rejected").register(registry);
        this.requestEvents = DistributionSummary.builder("kyoyu.ingest.request.events").register(registry);
    }

    /** Events acknowledged by Kafka and answered 2xx. */
    void accepted(int events) {
        accepted.increment(events);
    }

    /** Events refused for their content; the rest of their request may still have been accepted. */
    void rejected(int events) {
        rejected.increment(events);
    }

    /** How many events one request carried. */
    void requestCarried(int events) {
        requestEvents.record(events);
    }
}
