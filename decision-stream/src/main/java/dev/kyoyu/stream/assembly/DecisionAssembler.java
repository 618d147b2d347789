package dev.kyoyu.stream.assembly;

import static dev.kyoyu.schemas.decision.DecisionLimits.MAX_ITEMS;
import static dev.kyoyu.schemas.decision.DecisionLimits.MAX_OPEN_PER_RUN;
import static dev.kyoyu.schemas.decision.DecisionLimits.MAX_REASONING;

import dev.kyoyu.schemas.decision.DecisionEvents;
import dev.kyoyu.schemas.decision.DecisionRecord;
import dev.kyoyu.schemas.decision.DecisionStep;
import dev.kyoyu.schemas.decision.DecisionValidator;
import dev.kyoyu.schemas.decision.InvalidDecision;
import dev.kyoyu.schemas.decision.RejectedDecisionEvent;
import dev.kyoyu.schemas.event.AgentEvent;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.schemas.event.EventTypes;
import dev.kyoyu.schemas.event.TimeWindow;
import dev.kyoyu.schemas.event.TracedDecision;
import dev.kyoyu.stream.SaturatingTime;
import dev.kyoyu.stream.StreamMetrics;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one partition of {@code kyoyu.events.v1} (keyed by agent, so every event of a run arrives here, in
 * order) and publishes complete decisions: whole ones from DecisionTraced, assembled ones when DecisionMade
 * closes what DecisionStarted opened, and revisions from DecisionRevised. Events it cannot use are reported
 * (counter, log line, {@code kyoyu.decisions.rejected.v1}) and otherwise skipped: they are stored anyway.
 *
 * <p>State, all changelogged: the open decisions by {@code agent/run/decision} (an agent's steps reach only its own); every published decision by id
 * (revisions need the one they replace, which the same agent, hence this partition, published); and the ids of
 * decision events seen within the client-retry window, so that a retried request changes nothing.
 */
public final class DecisionAssembler implements Processor<String, AgentEvent, String, byte[]> {
    public static final String OPEN_STORE = "open-decisions";
    public static final String OPEN_IDS_STORE = "open-decision-ids";
    public static final String KNOWN_STORE = "known-decisions";
    public static final String SEEN_STORE = "seen-decision-events";
    public static final String DECISIONS_CHILD = "decisions-out";
    public static final String REJECTED_CHILD = "rejected-out";

    private static final Logger LOG = LoggerFactory.getLogger(DecisionAssembler.class);
    private static final Duration SWEEP_INTERVAL = Duration.ofMinutes(1);

    private final StreamMetrics metrics;
    private final Duration openDecisionTimeout;
    private final int maxDecisionBytes;
    private ProcessorContext<String, byte[]> context;
    private OpenDecisions open;
    private KeyValueStore<String, KnownDecision> known;
    private WindowStore<String, Long> seen;

    public DecisionAssembler(StreamMetrics metrics, Duration openDecisionTimeout, int maxDecisionBytes) {
        this.metrics = metrics;
        this.openDecisionTimeout = openDecisionTimeout;
        this.maxDecisionBytes = maxDecisionBytes;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.open = new OpenDecisions(context.getStateStore(OPEN_STORE), context.getStateStore(OPEN_IDS_STORE));
        this.known = context.getStateStore(KNOWN_STORE);
        this.seen = context.getStateStore(SEEN_STORE);
        context.schedule(SWEEP_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::dropTimedOut);
    }

    /** The event types this processor acts on; the source does not even parse the others. */
    public static boolean reads(String eventType) {
        return eventType.equals(EventTypes.RUN_COMPLETED) || eventType.equals(EventTypes.RUN_FAILED)
                || eventType.equals(EventTypes.DECISION_TRACED) || DecisionEvents.isDecisionEvent(eventType);
    }

    @Override
    public void process(Record<String, AgentEvent> record) {
        // A record that is not an agent event never gets here: the deserialization handler rejects it. One of a type
        // this processor does not read arrives unparsed, as a null value.
        AgentEvent event = record.value();
        if (event == null || !reads(event.eventType())) {
            return;
        }
        String type = event.eventType();
        if (type.equals(EventTypes.RUN_COMPLETED) || type.equals(EventTypes.RUN_FAILED)) {
            // Only the open decisions of the agent that ended the run: another agent's events cannot drop them.
            dropOpenDecisions(event.agentId(), event.runId(), "run " + event.runId() + " ended");
            return;
        }
        boolean traced = type.equals(EventTypes.DECISION_TRACED);
        if (isRunLevelReasoning(event)) {
            return;
        }
        if (seenBefore(event.id())) {
            metrics.repeated();
            return;
        }
        try {
            if (traced) {
                traced(event, record.timestamp());
            } else {
                step(event, record.timestamp());
            }
        } catch (Rejected rejected) {
            reject(event, rejected, record.timestamp());
        }
        // A rejected event is remembered too: its retry would only be rejected again.
        seen.put(event.id().toString(), SaturatingTime.epochMillis(event.receivedAt()), record.timestamp());
    }

    /** A ReasoningStepCompleted outside any decision is a step of the run, not of a decision: not ours. */
    private boolean isRunLevelReasoning(AgentEvent event) {
        return event.eventType().equals(DecisionEvents.REASONING_STEP_COMPLETED)
                && !event.payload().hasNonNull("decision_id")
                && open.inRun(event.agentId(), event.runId()).isEmpty();
    }

    private boolean seenBefore(UUID eventId) {
        try (WindowStoreIterator<Long> it = seen.fetch(eventId.toString(), 0L, Long.MAX_VALUE)) {
            return it.hasNext();
        }
    }

    private void traced(AgentEvent event, long timestamp) throws Rejected {
        TracedDecision d;
        try {
            d = DecisionValidator.parse(event.payload(), "payload", null);
        } catch (InvalidDecision e) {
            throw new Rejected(RejectReason.INVALID_PAYLOAD, e.field(), e.getMessage());
        }
        requireUnusedId(d.id(), "payload.id");
        publish(new DecisionRecord(d.id(), event.runId(), event.agentId(), d.decisionType(), d.outcome(), d.confidence(),
                d.reasoning(), d.metadata(), validFrom(d.validFrom(), event), null, null,
                d.alternatives(), d.evidence(), event.id()), StreamMetrics.Source.TRACED, timestamp);
    }

    private void step(AgentEvent event, long timestamp) throws Rejected {
        DecisionStep step;
        try {
            step = DecisionEvents.parse(event.eventType(), event.payload());
        } catch (InvalidDecision e) {
            throw new Rejected(RejectReason.INVALID_PAYLOAD, e.field(), e.reason());
        }
        switch (step) {
            case DecisionStep.Started started -> start(event, started);
            case DecisionStep.Revised revised -> revise(event, revised, timestamp);
            case DecisionStep.Made made -> make(event, target(event, made.decisionId()), made, timestamp);
            case DecisionStep.AlternativeConsidered a -> update(target(event, a.decisionId()), d -> {
                if (d.alternatives().size() >= MAX_ITEMS) {
                    throw new Rejected(RejectReason.TOO_LARGE, null, "decision " + d.id() + " already has " + MAX_ITEMS + " alternatives");
                }
                return d.withAlternative(a.alternative());
            });
            case DecisionStep.EvidenceGathered e -> update(target(event, e.decisionId()), d -> {
                if (d.evidence().size() >= MAX_ITEMS) {
                    throw new Rejected(RejectReason.TOO_LARGE, null, "decision " + d.id() + " already has " + MAX_ITEMS + " pieces of evidence");
                }
                return d.withEvidence(e.evidence());
            });
            case DecisionStep.ReasoningStep r -> update(target(event, r.decisionId()), d -> {
                if (d.reasoningLength() + 1 + r.reasoning().length() > MAX_REASONING) {
                    throw new Rejected(RejectReason.TOO_LARGE, "payload.reasoning",
                            "the reasoning of decision " + d.id() + " would exceed " + MAX_REASONING + " characters");
                }
                return d.withReasoning(r.reasoning());
            });
        }
    }

    private void start(AgentEvent event, DecisionStep.Started started) throws Rejected {
        UUID id = started.decisionId() == null ? event.id() : started.decisionId();
        if (open.get(event.agentId(), event.runId(), id) != null) {
            throw new Rejected(RejectReason.DUPLICATE_DECISION_ID, "payload.decision_id", "decision " + id + " is already open in this run");
        }
        requireUnusedId(id, "payload.decision_id");
        if (open.inRun(event.agentId(), event.runId()).size() >= MAX_OPEN_PER_RUN) {
            throw new Rejected(RejectReason.TOO_MANY_OPEN, null, "run " + event.runId() + " already has " + MAX_OPEN_PER_RUN + " open decisions");
        }
        open.put(new OpenDecision(id, event.runId(), event.agentId(), started.decisionType(), started.metadata(), event.id(),
                event.receivedAt(), List.of(), List.of(), List.of()));
    }

    /** The open decision a step belongs to: the one it names, or the only one its agent has open in the run. */
    private OpenDecision target(AgentEvent event, UUID decisionId) throws Rejected {
        if (decisionId != null) {
            OpenDecision named = open.get(event.agentId(), event.runId(), decisionId);
            if (named != null) {
                return named;
            }
            KnownDecision made = known.get(decisionId.toString());
            if (made != null && made.agentId().equals(event.agentId())) {
                throw new Rejected(RejectReason.DECISION_CLOSED, "payload.decision_id",
                        "decision " + decisionId + " is already made; change it with DecisionRevised");
            }
            throw new Rejected(RejectReason.UNKNOWN_DECISION, "payload.decision_id",
                    "run " + event.runId() + " has no open decision " + decisionId);
        }
        List<OpenDecision> inRun = open.inRun(event.agentId(), event.runId());
        if (inRun.isEmpty()) {
            throw new Rejected(RejectReason.NO_OPEN_DECISION, "payload.decision_id",
                    "run " + event.runId() + " has no open decision; send DecisionStarted first");
        }
        if (inRun.size() > 1) {
            throw new Rejected(RejectReason.AMBIGUOUS_DECISION, "payload.decision_id",
                    "run " + event.runId() + " has " + inRun.size() + " open decisions; name one with decision_id");
        }
        return inRun.get(0);
    }

    @FunctionalInterface
    private interface Change {
        OpenDecision apply(OpenDecision decision) throws Rejected;
    }

    private void update(OpenDecision decision, Change change) throws Rejected {
        OpenDecision changed = change.apply(decision);
        if (serializedSize(changed) > maxDecisionBytes) {
            throw new Rejected(RejectReason.TOO_LARGE, null, "decision " + decision.id() + " would exceed " + maxDecisionBytes + " bytes");
        }
        open.put(changed);
    }

    private static int serializedSize(OpenDecision decision) {
        try {
            return EventJson.MAPPER.writeValueAsBytes(decision).length;
        } catch (IOException e) {
            throw new IllegalStateException("an open decision always serializes", e);
        }
    }

    private void make(AgentEvent event, OpenDecision d, DecisionStep.Made made, long timestamp) throws Rejected {
        // Another run may have made a decision with the same client-chosen id meanwhile.
        requireNewId(d.id(), "payload.decision_id");
        List<String> reasoning = new ArrayList<>(d.reasoning());
        if (made.reasoning() != null && !made.reasoning().isBlank()) {
            reasoning.add(made.reasoning());
        }
        DecisionRecord decision = new DecisionRecord(d.id(), d.runId(), d.agentId(), d.decisionType(), made.outcome(),
                made.confidence(), reasoning.isEmpty() ? null : String.join("\n", reasoning), d.metadata(),
                validFrom(made.validFrom(), event), null, null,
                d.alternatives(), d.evidence(), event.id());
        if (decision.reasoning() != null && decision.reasoning().length() > MAX_REASONING) {
            throw new Rejected(RejectReason.TOO_LARGE, "payload.reasoning", "the reasoning would exceed " + MAX_REASONING + " characters");
        }
        publish(decision, StreamMetrics.Source.ASSEMBLED, timestamp);
        open.remove(d);
    }

    private void revise(AgentEvent event, DecisionStep.Revised revision, long timestamp) throws Rejected {
        KnownDecision original = known.get(revision.revises().toString());
        if (original == null || !original.agentId().equals(event.agentId())) {
            // Another agent's decision is reported as unknown: an agent revises only its own, and learns nothing of others'.
            throw new Rejected(RejectReason.UNKNOWN_DECISION, "payload.revises",
                    "agent " + event.agentId() + " has made no decision " + revision.revises());
        }
        if (original.revisedBy() != null) {
            throw new Rejected(RejectReason.ALREADY_REVISED, "payload.revises", "decision " + original.id()
                    + " was already revised by " + original.revisedBy() + "; revise that one instead");
        }
        UUID id = revision.decisionId() == null ? event.id() : revision.decisionId();
        requireUnusedId(id, "payload.decision_id");
        Instant validFrom = validFrom(revision.validFrom(), event);
        if (validFrom.isBefore(original.validFrom())) {
            throw new Rejected(RejectReason.INVALID_VALID_FROM, "payload.valid_from", "valid_from " + validFrom
                    + " is before " + original.validFrom() + ", when the revised decision took effect");
        }
        publish(new DecisionRecord(id, event.runId(), event.agentId(), original.decisionType(), revision.outcome(),
                revision.confidence(), revision.reasoning(), revision.metadata(), validFrom, null, original.id(),
                revision.alternatives(), revision.evidence(), event.id()), StreamMetrics.Source.REVISED, timestamp);
        known.put(original.id().toString(), original.revisedBy(id));
    }

    /**
     * A decision's valid_from: the payload's, else when the completing event occurred. Either must lie in
     * {@link TimeWindow}, or the decision could be neither compared (epoch milliseconds) nor stored (PostgreSQL).
     */
    private static Instant validFrom(Instant given, AgentEvent event) throws Rejected {
        Instant at = given == null ? event.occurredAt() : given;
        if (!TimeWindow.contains(at)) {
            throw new Rejected(RejectReason.INVALID_VALID_FROM, given == null ? "occurred_at" : "payload.valid_from",
                    "valid_from " + at + " is outside the times Kyoyu can store: " + TimeWindow.describe());
        }
        return at;
    }

    /** For a new decision: its id is neither made nor open, by any agent (the answer names no one). */
    private void requireUnusedId(UUID id, String field) throws Rejected {
        requireNewId(id, field);
        if (open.isOpen(id)) {
            throw new Rejected(RejectReason.DUPLICATE_DECISION_ID, field, "a decision with id " + id + " already exists");
        }
    }

    private void requireNewId(UUID id, String field) throws Rejected {
        if (known.get(id.toString()) != null) {
            throw new Rejected(RejectReason.DUPLICATE_DECISION_ID, field, "a decision with id " + id + " already exists");
        }
    }

    /** Keyed by decision_type: conflict detection then finds every decision of a type in one partition. */
    private void publish(DecisionRecord decision, StreamMetrics.Source source, long timestamp) {
        known.put(decision.id().toString(), new KnownDecision(decision.id(), decision.agentId(), decision.decisionType(),
                decision.validFrom(), null));
        context.forward(new Record<>(decision.decisionType(), decision.toBytes(), timestamp), DECISIONS_CHILD);
        metrics.published(source);
    }

    private void reject(AgentEvent event, Rejected rejected, long timestamp) {
        String reason = rejected.reason().code();
        metrics.rejected(reason);
        LOG.warn("decision event {} ({}) of agent {} in run {} rejected: {} {}", event.id(), event.eventType(), event.agentId(),
                event.runId(), reason, rejected.getMessage());
        RejectedDecisionEvent report = new RejectedDecisionEvent(event.id(), event.runId(), event.agentId(), event.eventType(),
                reason, rejected.field(), rejected.getMessage());
        try {
            context.forward(new Record<>(event.agentId(), EventJson.MAPPER.writeValueAsBytes(report), timestamp), REJECTED_CHILD);
        } catch (IOException e) {
            throw new IllegalStateException("a rejection report always serializes", e);
        }
    }

    private void dropOpenDecisions(String agentId, UUID runId, String why) {
        List<OpenDecision> dropped = open.inRun(agentId, runId);
        dropped.forEach(open::remove);
        abandoned(dropped, why);
    }

    private void dropTimedOut(long now) {
        Instant cutoff = SaturatingTime.minus(Instant.ofEpochMilli(now), openDecisionTimeout);
        abandoned(open.removeOpenedBefore(cutoff), "not made within " + openDecisionTimeout);
    }

    private void abandoned(List<OpenDecision> dropped, String why) {
        if (dropped.isEmpty()) {
            return;
        }
        metrics.abandoned(dropped.size());
        for (OpenDecision d : dropped) {
            LOG.info("dropped open decision {} ({}) of agent {} in run {}: {}", d.id(), d.decisionType(), d.agentId(), d.runId(), why);
        }
    }
}
