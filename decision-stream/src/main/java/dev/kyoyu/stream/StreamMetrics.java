package dev.kyoyu.stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The decision stream's own counters (Kafka Streams' client metrics are bound next to them). Shared by every
 * task of the process; Micrometer counters are thread-safe.
 */
public final class StreamMetrics {
    /** Where a published decision came from. */
    public enum Source { TRACED, ASSEMBLED, REVISED }

    private final MeterRegistry registry;
    private final Counter repeated;
    private final Counter abandoned;
    private final Counter conflicts;

    public StreamMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.repeated = Counter.builder("kyoyu.decision.events.repeated")
                .description("decision events skipped because their id was already seen (client retries)").register(registry);
        this.abandoned = Counter.builder("kyoyu.decisions.abandoned")
                .description("decisions started but never made: their run ended or they timed out").register(registry);
        this.conflicts = Counter.builder("kyoyu.conflicts.detected").register(registry);
    }

    public void published(Source source) {
        Counter.builder("kyoyu.decisions.published").tag("source", source.name().toLowerCase())
                .register(registry).increment();
    }

    /** @param reason a {@link dev.kyoyu.stream.assembly.RejectReason} code; every rejection is one record on the rejected topic */
    public void rejected(String reason) {
        Counter.builder("kyoyu.decision.events.rejected").tag("reason", reason)
                .description("records that did not become part of a decision; each is reported on kyoyu.decisions.rejected.v1")
                .register(registry).increment();
    }

    public void repeated() {
        repeated.increment();
    }

    public void abandoned(int count) {
        abandoned.increment(count);
    }

    public void conflictDetected() {
        conflicts.increment();
    }
}
