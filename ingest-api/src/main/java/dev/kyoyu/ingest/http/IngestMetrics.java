package dev.kyoyu.ingest.http;

import dev.kyoyu.schemas.event.AgentEvent;
import dev.kyoyu.schemas.event.EventTypes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;

/**
 * The ingest counters (docs/architecture.md lists them). {@code kyoyu_events_ingested_total{outcome,event_type}}:
 * event_type is one of the known types or "other", so a client inventing types cannot add series; a rejected
 * event counts as "other" (its type may be what was wrong with it). No agent_id label on purpose: thousands of agents
 * would mean thousands of series; per-agent questions are for the query API.
 */
public final class IngestMetrics {
    static final String OTHER = "other";

    private final Map<String, Counter> acceptedByType = new HashMap<>();
    private final Counter rejected;
    private final DistributionSummary requestEvents;

    public IngestMetrics(MeterRegistry registry) {
        for (String type : EventTypes.KNOWN) {
            acceptedByType.put(type, ingested(registry, "accepted", type));
        }
        acceptedByType.put(OTHER, ingested(registry, "accepted", OTHER));
        this.rejected = ingested(registry, "rejected", OTHER);
        this.requestEvents = DistributionSummary.builder("kyoyu.ingest.request.events").register(registry);
    }

    private static Counter ingested(MeterRegistry registry, String outcome, String eventType) {
        return Counter.builder("kyoyu.events.ingested").tag("outcome", outcome).tag("event_type", eventType).register(registry);
    }

    /** Events acknowledged by Kafka and answered 2xx. */
    void accepted(Iterable<AgentEvent> events) {
        for (AgentEvent event : events) {
            accepted(event.eventType(), 1);
        }
    }

    /** {@code count} accepted events of one type. */
    void accepted(String eventType, int count) {
        acceptedByType.getOrDefault(eventType, acceptedByType.get(OTHER)).increment(count);
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
