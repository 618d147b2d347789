package dev.kyoyu.stream.conflicts;

import dev.kyoyu.schemas.decision.ConflictRecord;
import dev.kyoyu.schemas.decision.DecisionRecord;
import dev.kyoyu.stream.SaturatingTime;
import dev.kyoyu.stream.StreamMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one partition of {@code kyoyu.decisions.v1} (keyed by decision_type, so all decisions of a type meet
 * here, a revision after the decision it replaces) and publishes a conflict for every pair of currently valid
 * decisions of the same type by different agents with different outcomes whose valid_from lie within the window.
 *
 * <p>State: the valid decisions in {@link CandidateIndex} order, and every decision seen by id, which makes a
 * repeated decision a no-op and lets a revision withdraw the decision it replaces. Both forget a decision after
 * the retention (wall clock since it was seen), which bounds them; a decision arriving later than that is
 * compared only with what is still retained.
 */
public final class ConflictDetector implements Processor<String, DecisionRecord, String, byte[]> {
    public static final String INDEX_STORE = "conflict-candidates";
    public static final String SEEN_STORE = "conflict-decisions";

    private static final Logger LOG = LoggerFactory.getLogger(ConflictDetector.class);
    private static final Duration SWEEP_INTERVAL = Duration.ofMinutes(1);

    private final StreamMetrics metrics;
    private final Duration window;
    private final Duration retention;
    private ProcessorContext<String, byte[]> context;
    private CandidateIndex index;
    private KeyValueStore<String, Candidate> seen;

    public ConflictDetector(StreamMetrics metrics, Duration window, Duration retention) {
        this.metrics = metrics;
        this.window = window;
        this.retention = retention;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.index = new CandidateIndex(context.getStateStore(INDEX_STORE));
        this.seen = context.getStateStore(SEEN_STORE);
        context.schedule(SWEEP_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::forgetExpired);
    }

    @Override
    public void process(Record<String, DecisionRecord> record) {
        // A record that is not a decision never gets here: the deserialization handler rejects it.
        DecisionRecord decision = record.value();
        if (seen.get(decision.id().toString()) != null) {
            return;
        }
        if (decision.revises() != null) {
            withdraw(decision.revises().toString(), decision.agentId());
        }
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        Candidate current = new Candidate(decision.id(), decision.decisionType(), decision.agentId(), decision.outcome(),
                decision.validFrom(), now, false);
        for (Candidate other : index.near(current.decisionType(), current.validFrom(), window)) {
            if (!other.agentId().equals(current.agentId()) && other.disagreesWith(current)) {
                publish(other, current, now, record.timestamp());
            }
        }
        index.add(current);
        seen.put(current.id().toString(), current);
    }

    /** A revised decision is no longer valid: it stops being a candidate, and stays known as seen. */
    private void withdraw(String decisionId, String agentId) {
        Candidate revised = seen.get(decisionId);
        // An agent revises only its own decisions: a revision naming another agent's id (a reused client-chosen id,
        // or another producer) withdraws nothing.
        if (revised != null && !revised.revised() && revised.agentId().equals(agentId)) {
            index.remove(revised);
            seen.put(decisionId, revised.markRevised());
        }
    }

    private void publish(Candidate one, Candidate other, Instant now, long timestamp) {
        boolean oneFirst = one.validFrom().isBefore(other.validFrom())
                || (one.validFrom().equals(other.validFrom()) && one.id().toString().compareTo(other.id().toString()) < 0);
        Candidate a = oneFirst ? one : other;
        Candidate b = oneFirst ? other : one;
        ConflictRecord conflict = new ConflictRecord(ConflictRecord.idFor(a.id(), b.id()), a.decisionType(), a.id(), b.id(),
                a.agentId(), b.agentId(), a.outcome(), b.outcome(), now);
        context.forward(new Record<>(conflict.decisionType(), conflict.toBytes(), timestamp));
        metrics.conflictDetected();
        // Debug: a conflict is data (the topic, the table, the counter), and busy types have hundreds a second.
        LOG.debug("conflict {} on {}: {} decided '{}' ({}), {} decided '{}' ({})", conflict.id(), conflict.decisionType(),
                a.agentId(), a.outcome(), a.id(), b.agentId(), b.outcome(), b.id());
    }

    private void forgetExpired(long nowMillis) {
        Instant cutoff = SaturatingTime.minus(Instant.ofEpochMilli(nowMillis), retention);
        List<Candidate> expired = new ArrayList<>();
        try (KeyValueIterator<String, Candidate> it = seen.all()) {
            it.forEachRemaining(entry -> {
                if (entry.value.seenAt().isBefore(cutoff)) {
                    expired.add(entry.value);
                }
            });
        }
        for (Candidate candidate : expired) {
            seen.delete(candidate.id().toString());
            if (!candidate.revised()) {
                index.remove(candidate);
            }
        }
    }
}
