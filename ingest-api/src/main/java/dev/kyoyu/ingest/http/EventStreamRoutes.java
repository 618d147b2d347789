package dev.kyoyu.ingest.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kyoyu.ingest.kafka.EventPublisher;
import dev.kyoyu.schemas.event.EventValidator;
import dev.kyoyu.schemas.event.IdAssigner;
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
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code POST /v1/events} with {@code application/x-ndjson}: one event per line, each naming its run.
 * The body is streamed: each line is validated and handed to the producer as it is read, so memory
 * stays bounded by the line limit and the producer's buffer, not by the body. The answer (202, or 503
 * if Kafka failed part way) comes after the broker acknowledged every accepted line.
 */
public final class EventStreamRoutes implements HttpService {
    public static final String NDJSON = "application/x-ndjson";

    private final JsonBodies bodies;
    private final Authenticator authenticator;
    private final EventValidator validator;
    private final EventPublisher publisher;
    private final IngestMetrics metrics;
    private final int maxLineBytes;
    private final int maxEvents;

    /**
     * @param streamBodies body reader with the stream's (larger) size limit
     * @param maxLineBytes longest line taken; a line holds one event
     */
    public EventStreamRoutes(IngestRoutesContext context, JsonBodies streamBodies, int maxLineBytes, int maxEvents) {
        this.bodies = streamBodies;
        this.authenticator = context.authenticator();
        this.validator = context.validator();
        this.publisher = context.publisher();
        this.metrics = context.metrics();
        this.maxLineBytes = maxLineBytes;
        this.maxEvents = maxEvents;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/", this::postStream);
    }

    private void postStream(ServerRequest req, ServerResponse res) throws Exception {
        Caller caller = authenticator.authenticate(req);
        bodies.requireContentType(req, NDJSON);
        IdAssigner ids = IdempotencyKeys.assigner(req, caller, "POST /v1/events");
        ObjectMapper mapper = bodies.mapper();
        EventPublisher.InFlight inFlight = publisher.begin();
        List<String> eventIds = new ArrayList<>();
        List<Rejection> rejections = new ArrayList<>();
        int index = 0;
        try (InputStream body = bodies.limitedBody(req)) {
            BoundedLineReader lines = new BoundedLineReader(body, maxLineBytes);
            for (BoundedLineReader.Line line = lines.next(); line != null; line = lines.next(), index++) {
                if (line.tooLong()) {
                    rejections.add(new Rejection(index, "LINE_TOO_LONG", null,
                            "line is " + line.length() + " bytes; the limit is " + maxLineBytes));
                    continue;
                }
                if (isBlank(line.bytes())) {
                    continue;
                }
                if (eventIds.size() + rejections.size() >= maxEvents) {
                    throw new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, "a request may carry at most " + maxEvents
                            + " events; split the stream (nothing past line " + index + " was read)",
                            Map.of("accepted_before_limit", eventIds.size()));
                }
                EventValidator.Outcome outcome = validateLine(mapper, index, line.bytes(), caller, ids);
                if (outcome.accepted()) {
                    inFlight.send(outcome.event());
                    eventIds.add(outcome.event().id().toString());
                } else {
                    rejections.add(outcome.rejection());
                }
            }
        } catch (IOException e) {
            throw JsonBodies.tooLargeOr(e, ApiException.invalid("could not read the request body at line " + index + ": " + e.getMessage()));
        }
        inFlight.awaitAcks();
        metrics.accepted(eventIds.size());
        metrics.rejected(rejections.size());
        metrics.requestCarried(index);
        if (eventIds.isEmpty()) {
            throw new ApiException(ErrorCode.INVALID_INPUT, index == 0 ? "the body has no events" : "none of the events is valid",
                    Map.of("rejected", rejections));
        }
        Envelope.send(req, res, 202, Map.of("accepted", eventIds.size(), "event_ids", eventIds, "rejected", rejections));
    }

    private EventValidator.Outcome validateLine(ObjectMapper mapper, int index, byte[] line, Caller caller, IdAssigner ids) {
        JsonNode node;
        try {
            node = mapper.readTree(line);
        } catch (JsonProcessingException e) {
            return new EventValidator.Outcome(null, new Rejection(index, "INVALID_JSON", null, "line is not JSON: " + e.getOriginalMessage()));
        } catch (IOException e) {
            return new EventValidator.Outcome(null, new Rejection(index, "INVALID_JSON", null, "line is not JSON: " + e.getMessage()));
        }
        UUID runId = node.has("run_id") ? EventValidator.parseUuid(node.get("run_id")) : null;
        if (runId == null) {
            return new EventValidator.Outcome(null, new Rejection(index, "INVALID_RUN_ID", "run_id",
                    "each line needs run_id, the UUID of a run started with POST /v1/runs"));
        }
        return validator.validate(index, node, runId, caller.agentId(), ids);
    }

    private static boolean isBlank(byte[] line) {
        for (byte b : line) {
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }
}
