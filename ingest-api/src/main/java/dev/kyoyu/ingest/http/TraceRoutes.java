package dev.kyoyu.ingest.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.ingest.kafka.EventPublisher;
import dev.kyoyu.ingest.ownership.RunOwnership;
import dev.kyoyu.schemas.decision.DecisionValidator;
import dev.kyoyu.schemas.decision.InvalidDecision;
import dev.kyoyu.schemas.event.AgentEvent;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.schemas.event.EventTypes;
import dev.kyoyu.schemas.event.EventValidator;
import dev.kyoyu.schemas.event.IdAssigner;
import dev.kyoyu.schemas.event.IdOrigin;
import dev.kyoyu.schemas.event.TracedDecision;
import dev.kyoyu.service.auth.Authenticator;
import dev.kyoyu.service.auth.Caller;
import dev.kyoyu.service.http.ApiException;
import dev.kyoyu.service.http.Envelope;
import dev.kyoyu.service.http.ErrorCode;
import dev.kyoyu.service.http.JsonBodies;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * {@code POST /v1/trace}: a decision with its alternatives and evidence, and optionally the events that
 * led to it, in one call. Without a run_id it is a whole run: start, events, decision, completion, all
 * published in order to the agent's partition and acknowledged together. All or nothing: any invalid
 * part rejects the request, because a half-recorded decision would mislead whoever reads it.
 */
public final class TraceRoutes implements HttpService {
    private static final Set<String> FIELDS = Set.of("run_id", "metadata", "decision", "events");

    private final JsonBodies bodies;
    private final Authenticator authenticator;
    private final EventValidator validator;
    private final EventPublisher publisher;
    private final Clock clock;
    private final IngestMetrics metrics;
    private final IdempotencyKeys idempotencyKeys;
    private final RunOwnership ownership;
    private final int maxEventsPerRequest;
    private final int maxDecisionBytes;

    public TraceRoutes(IngestRoutesContext context, int maxEventsPerRequest, int maxDecisionBytes) {
        this.bodies = context.bodies();
        this.authenticator = context.authenticator();
        this.validator = context.validator();
        this.publisher = context.publisher();
        this.clock = context.clock();
        this.metrics = context.metrics();
        this.idempotencyKeys = context.idempotencyKeys();
        this.ownership = context.ownership();
        this.maxEventsPerRequest = maxEventsPerRequest;
        this.maxDecisionBytes = maxDecisionBytes;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/", this::trace);
    }

    private void trace(ServerRequest req, ServerResponse res) throws Exception {
        Caller caller = WriteAccess.writer(authenticator, req);
        if (!(bodies.readJson(req) instanceof ObjectNode body)) {
            throw ApiException.invalid("request body must be a JSON object with a decision");
        }
        for (var names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new ApiException(ErrorCode.INVALID_INPUT, "unknown field '" + name + "'; allowed: " + FIELDS, Map.of("field", name));
            }
        }
        IdAssigner ids = idempotencyKeys.assigner(req, caller, "POST /v1/trace");
        UUID runId = runId(body, ids, caller);
        boolean newRun = !body.hasNonNull("run_id");
        ObjectNode metadata = RequestObjects.objectField(body, "metadata");
        TracedDecision decision;
        try {
            decision = DecisionValidator.parse(body.get("decision") == null ? EventJson.MAPPER.nullNode() : body.get("decision"),
                    "decision", ids.idFor("decision"));
        } catch (InvalidDecision e) {
            throw new ApiException(ErrorCode.INVALID_INPUT, e.getMessage(), Map.of("field", e.field()));
        }

        Instant now = clock.instant();
        List<AgentEvent> events = new ArrayList<>();
        if (newRun) {
            ObjectNode start = EventJson.MAPPER.createObjectNode();
            start.set("metadata", metadata);
            events.add(lifecycle(ids, "run-started", runId, caller, EventTypes.RUN_STARTED, now, start));
        }
        Map<AgentEvent, String> fields = new IdentityHashMap<>();
        events.addAll(stepEvents(body.get("events"), runId, caller, ids, fields));
        ObjectNode payload = EventJson.MAPPER.valueToTree(decision);
        int size = EventJson.MAPPER.writeValueAsBytes(payload).length;
        if (size > maxDecisionBytes) {
            throw new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, "the decision with its alternatives and evidence is "
                    + size + " bytes; the limit is " + maxDecisionBytes, Map.of("field", "decision"));
        }
        events.add(new AgentEvent(ids.idFor("decision-event"), runId, caller.agentId(), EventTypes.DECISION_TRACED,
                now, now, payload, ids.origin()));
        if (newRun) {
            events.add(lifecycle(ids, "run-finished", runId, caller, EventTypes.RUN_COMPLETED, now, EventJson.MAPPER.createObjectNode()));
        }
        publisher.publishAll(events, event -> switch (event.eventType()) {
            case EventTypes.RUN_STARTED -> "metadata";
            case EventTypes.DECISION_TRACED -> "decision";
            default -> fields.get(event);
        });
        metrics.accepted(events);
        metrics.requestCarried(events.size());
        Envelope.send(req, res, 202, Map.of(
                "run_id", runId.toString(),
                "decision_id", decision.id().toString(),
                "event_count", events.size()));
    }

    /** The run the trace belongs to: the caller's own run_id, or a new run owned by the caller. */
    private UUID runId(ObjectNode body, IdAssigner ids, Caller caller) {
        if (!body.hasNonNull("run_id")) {
            return ids.origin() == IdOrigin.SERVER ? ownership.newRunId(caller.agentId())
                    : ownership.tag(ids.idFor("run"), caller.agentId());
        }
        UUID runId = EventValidator.parseUuid(body.get("run_id"));
        if (runId == null) {
            throw new ApiException(ErrorCode.INVALID_INPUT, "run_id must be a UUID, or left out to record a new run", Map.of("field", "run_id"));
        }
        ownership.requireOwned(caller.agentId(), runId);
        return runId;
    }

    private List<AgentEvent> stepEvents(JsonNode node, UUID runId, Caller caller, IdAssigner ids, Map<AgentEvent, String> fields) {
        List<AgentEvent> events = new ArrayList<>();
        if (node == null || node.isNull()) {
            return events;
        }
        if (!(node instanceof ArrayNode array)) {
            throw new ApiException(ErrorCode.INVALID_INPUT, "events must be an array", Map.of("field", "events"));
        }
        if (array.size() > maxEventsPerRequest) {
            throw new ApiException(ErrorCode.INVALID_INPUT, "a trace may carry at most " + maxEventsPerRequest + " events",
                    Map.of("field", "events"));
        }
        for (int i = 0; i < array.size(); i++) {
            EventValidator.Outcome outcome = validator.validate(i, array.get(i), runId, caller.agentId(), ids);
            if (!outcome.accepted()) {
                String field = "events[" + i + "]" + (outcome.rejection().field() == null ? "" : "." + outcome.rejection().field());
                throw new ApiException(ErrorCode.INVALID_INPUT, field + ": " + outcome.rejection().message(),
                        Map.of("field", field, "code", outcome.rejection().code()));
            }
            events.add(outcome.event());
            fields.put(outcome.event(), "events[" + i + "]");
        }
        return events;
    }

    private static AgentEvent lifecycle(IdAssigner ids, String part, UUID runId, Caller caller, String type, Instant now, ObjectNode payload) {
        return new AgentEvent(ids.idFor(part), runId, caller.agentId(), type, now, now, payload, ids.origin());
    }
}
