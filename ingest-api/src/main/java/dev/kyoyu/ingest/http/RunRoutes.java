package dev.kyoyu.ingest.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.ingest.kafka.EventPublisher;
import dev.kyoyu.ingest.ownership.RunOwnership;
import dev.kyoyu.schemas.event.AgentEvent;
import dev.kyoyu.schemas.event.IdAssigner;
import dev.kyoyu.schemas.event.IdOrigin;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.schemas.event.EventTypes;
import dev.kyoyu.schemas.event.EventValidator;
import dev.kyoyu.schemas.event.Rejection;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * {@code /v1/runs}: start a run, post a batch of its events, complete it. Every accepted event is in
 * Kafka before the answer leaves; lifecycle changes travel as events too, and the sink derives the run row.
 */
public final class RunRoutes implements HttpService {
    private final JsonBodies bodies;
    private final Authenticator authenticator;
    private final EventValidator validator;
    private final EventPublisher publisher;
    private final Clock clock;
    private final IngestMetrics metrics;
    private final IdempotencyKeys idempotencyKeys;
    private final RunOwnership ownership;
    private final int maxEventsPerRequest;

    public RunRoutes(IngestRoutesContext context, int maxEventsPerRequest) {
        this.bodies = context.bodies();
        this.authenticator = context.authenticator();
        this.validator = context.validator();
        this.publisher = context.publisher();
        this.clock = context.clock();
        this.metrics = context.metrics();
        this.idempotencyKeys = context.idempotencyKeys();
        this.ownership = context.ownership();
        this.maxEventsPerRequest = maxEventsPerRequest;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/", this::startRun);
        rules.post("/{run_id}/events", this::postEvents);
        rules.post("/{run_id}/complete", this::completeRun);
    }

    private void startRun(ServerRequest req, ServerResponse res) throws Exception {
        Caller caller = WriteAccess.writer(authenticator, req);
        ObjectNode body = RequestObjects.optionalBody(bodies, req, Set.of("metadata"));
        ObjectNode metadata = RequestObjects.objectField(body, "metadata");
        IdAssigner ids = idempotencyKeys.assigner(req, caller, "POST /v1/runs");
        UUID runId = ids.origin() == IdOrigin.SERVER ? ownership.newRunId(caller.agentId())
                : ownership.tag(ids.idFor("run"), caller.agentId());
        Instant now = clock.instant();
        ObjectNode payload = EventJson.MAPPER.createObjectNode();
        payload.set("metadata", metadata);
        publisher.publishAll(List.of(new AgentEvent(ids.idFor("run-started"), runId, caller.agentId(),
                EventTypes.RUN_STARTED, now, now, payload, ids.origin())), event -> "metadata");
        metrics.accepted(EventTypes.RUN_STARTED, 1);
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("id", runId.toString());
        run.put("agent_id", caller.agentId());
        run.put("status", "running");
        run.put("started_at", now.toString());
        run.put("metadata", metadata);
        Envelope.send(req, res, 201, run);
    }

    private void postEvents(ServerRequest req, ServerResponse res) throws Exception {
        Caller caller = WriteAccess.writer(authenticator, req);
        UUID runId = runId(req);
        ownership.requireOwned(caller.agentId(), runId);
        JsonNode body = bodies.readJson(req);
        JsonNode events = body.get("events");
        if (!(events instanceof ArrayNode array)) {
            throw new ApiException(ErrorCode.INVALID_INPUT, "body must be {\"events\": [ … ]}", Map.of("field", "events"));
        }
        if (array.isEmpty()) {
            throw new ApiException(ErrorCode.INVALID_INPUT, "events is empty; send at least one event", Map.of("field", "events"));
        }
        if (array.size() > maxEventsPerRequest) {
            throw new ApiException(ErrorCode.INVALID_INPUT, "a request may carry at most " + maxEventsPerRequest
                    + " events; this one has " + array.size() + " (use POST /v1/events with NDJSON for bulk)", Map.of("field", "events"));
        }

        IdAssigner ids = idempotencyKeys.assigner(req, caller, "POST /v1/runs/" + runId + "/events");
        List<AgentEvent> valid = new ArrayList<>(array.size());
        Map<AgentEvent, Integer> indexes = new IdentityHashMap<>();
        List<Rejection> rejections = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            EventValidator.Outcome outcome = validator.validate(i, array.get(i), runId, caller.agentId(), ids);
            if (outcome.accepted()) {
                valid.add(outcome.event());
                indexes.put(outcome.event(), i);
            } else {
                rejections.add(outcome.rejection());
            }
        }
        metrics.rejected(rejections.size());
        metrics.requestCarried(array.size());
        if (valid.isEmpty()) {
            throw new ApiException(ErrorCode.INVALID_INPUT, "none of the " + array.size() + " events is valid",
                    Map.of("rejected", rejections));
        }
        publisher.publishAll(valid, event -> "events[" + indexes.get(event) + "]");
        metrics.accepted(valid);
        Envelope.send(req, res, 202, Map.of(
                "accepted", valid.size(),
                "event_ids", valid.stream().map(e -> e.id().toString()).toList(),
                "rejected", rejections));
    }

    private void completeRun(ServerRequest req, ServerResponse res) throws Exception {
        Caller caller = WriteAccess.writer(authenticator, req);
        UUID runId = runId(req);
        ownership.requireOwned(caller.agentId(), runId);
        ObjectNode body = RequestObjects.optionalBody(bodies, req, Set.of("status", "metadata"));
        String status = body.path("status").asText("completed");
        String eventType = switch (status) {
            case "completed" -> EventTypes.RUN_COMPLETED;
            case "failed" -> EventTypes.RUN_FAILED;
            default -> throw new ApiException(ErrorCode.INVALID_INPUT,
                    "status must be \"completed\" or \"failed\"; got \"" + status + "\"", Map.of("field", "status"));
        };
        IdAssigner ids = idempotencyKeys.assigner(req, caller, "POST /v1/runs/" + runId + "/complete");
        Instant now = clock.instant();
        ObjectNode payload = EventJson.MAPPER.createObjectNode();
        payload.set("metadata", RequestObjects.objectField(body, "metadata"));
        publisher.publishAll(List.of(new AgentEvent(ids.idFor("run-finished"), runId, caller.agentId(), eventType, now, now,
                payload, ids.origin())), event -> "metadata");
        metrics.accepted(eventType, 1);
        Envelope.send(req, res, 200, Map.of("id", runId.toString(), "status", status, "completed_at", now.toString()));
    }

    private static UUID runId(ServerRequest req) {
        String raw = req.path().pathParameters().get("run_id");
        try {
            if (raw.length() == 36) {
                return UUID.fromString(raw);
            }
        } catch (IllegalArgumentException e) {
            // falls through to the 400 below
        }
        throw new ApiException(ErrorCode.INVALID_INPUT, "run_id '" + raw + "' in the path is not a UUID", Map.of("field", "run_id"));
    }
}
