package dev.kyoyu.ingest.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kyoyu.ingest.kafka.EventPublisher;
import dev.kyoyu.ingest.ownership.RunOwnership;
import dev.kyoyu.schemas.event.EventValidator;
import dev.kyoyu.schemas.event.IdAssigner;
import dev.kyoyu.schemas.event.Rejection;
import dev.kyoyu.service.auth.Authenticator;
import dev.kyoyu.service.auth.Caller;
import dev.kyoyu.service.http.ApiErrors;
import dev.kyoyu.service.http.StrictUtf8;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code POST /v1/events} with {@code application/x-ndjson}: one event per line, each naming its run.
 * The body is streamed: each line is validated and handed to the producer as it is read, so memory
 * stays bounded by the line limit and the producer's buffer, not by the body. The answer (202, or 503
 * if Kafka failed part way) comes after the broker acknowledged every accepted line. A line is refused on its
 * own (listed in "rejected" with its index, code and field) when it is invalid, names a run the caller does
 * not own (code NOT_FOUND, as for a run that does not exist) or would exceed the record limit.
 */
public final class EventStreamRoutes implements HttpService {
    public static final String NDJSON = "application/x-ndjson";

    private final JsonBodies bodies;
    private final Authenticator authenticator;
    private final EventValidator validator;
    private final EventPublisher publisher;
    private final IngestMetrics metrics;
    private final IdempotencyKeys idempotencyKeys;
    private final RunOwnership ownership;
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
        this.idempotencyKeys = context.idempotencyKeys();
        this.ownership = context.ownership();
        this.maxLineBytes = maxLineBytes;
        this.maxEvents = maxEvents;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/", this::postStream);
    }

    private void postStream(ServerRequest req, ServerResponse res) throws Exception {
        Caller caller = WriteAccess.writer(authenticator, req);
        bodies.requireContentType(req, NDJSON);
        IdAssigner ids = idempotencyKeys.assigner(req, caller, "POST /v1/events");
        ObjectMapper mapper = bodies.mapper();
        EventPublisher.InFlight inFlight = publisher.begin();
        List<String> eventIds = new ArrayList<>();
        Map<String, Integer> sentByType = new HashMap<>();
        List<Rejection> rejections = new ArrayList<>();
        int index = 0;
        VerifiedRun verified = new VerifiedRun();
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
                EventValidator.Outcome outcome = validateLine(mapper, index, line.bytes(), caller, ids, verified);
                if (!outcome.accepted()) {
                    rejections.add(outcome.rejection());
                    continue;
                }
                EventPublisher.Record record = inFlight.prepare(outcome.event());
                if (record.fits()) {
                    inFlight.send(record);
                    eventIds.add(outcome.event().id().toString());
                    sentByType.merge(outcome.event().eventType(), 1, Integer::sum);
                } else {
                    rejections.add(new Rejection(index, "PAYLOAD_TOO_LARGE", null, "the event is " + record.bytes()
                            + " bytes as a record; a record may be at most " + publisher.maxRecordBytes() + " bytes"));
                }
            }
        } catch (IOException e) {
            throw JsonBodies.tooLargeOr(e, ApiException.invalid("could not read the request body at line " + index + ": " + e.getMessage()));
        }
        inFlight.awaitAcks();
        sentByType.forEach(metrics::accepted);
        metrics.rejected(rejections.size());
        metrics.requestCarried(index);
        if (eventIds.isEmpty()) {
            throw nothingAccepted(index, rejections);
        }
        Envelope.send(req, res, 202, Map.of("accepted", eventIds.size(), "event_ids", eventIds, "rejected", rejections));
    }

    /** The run the previous line named, already verified: lines of a stream mostly name one run. */
    private static final class VerifiedRun {
        private UUID run;

        UUID get() {
            return run;
        }

        void set(UUID run) {
            this.run = run;
        }
    }

    private EventValidator.Outcome validateLine(ObjectMapper mapper, int index, byte[] line, Caller caller, IdAssigner ids,
                                                VerifiedRun lastOwnedRun) {
        if (!StrictUtf8.isValid(line)) {
            return new EventValidator.Outcome(null, new Rejection(index, "INVALID_JSON", null, "line is not valid UTF-8"));
        }
        JsonNode node;
        try {
            node = mapper.readTree(line);
        } catch (JsonProcessingException e) {
            // ApiErrors words parser failures and limits without Jackson's class names.
            return new EventValidator.Outcome(null, new Rejection(index, "INVALID_JSON", null, "line is not JSON: " + ApiErrors.describe(e).getMessage()));
        } catch (IOException e) {
            return new EventValidator.Outcome(null, new Rejection(index, "INVALID_JSON", null, "line is not JSON: " + e.getMessage()));
        }
        UUID runId = node.has("run_id") ? EventValidator.parseUuid(node.get("run_id")) : null;
        if (runId == null) {
            return new EventValidator.Outcome(null, new Rejection(index, "INVALID_RUN_ID", "run_id",
                    "each line needs run_id, the UUID of a run started with POST /v1/runs"));
        }
        if (!runId.equals(lastOwnedRun.get()) && !ownership.owns(caller.agentId(), runId)) {
            // The same rejection as for a run that does not exist: nothing about another agent's runs leaks.
            return new EventValidator.Outcome(null, new Rejection(index, "NOT_FOUND", "run_id", RunOwnership.notFoundMessage(runId)));
        }
        lastOwnedRun.set(runId);
        return validator.validate(index, node, runId, caller.agentId(), ids);
    }

    /** 400, or 404 when every line named a run that is not found (for the caller), as a single event would be answered. */
    private static ApiException nothingAccepted(int lines, List<Rejection> rejections) {
        if (!rejections.isEmpty() && rejections.stream().allMatch(r -> r.code().equals("NOT_FOUND"))) {
            List<String> messages = rejections.stream().map(Rejection::message).distinct().toList();
            return new ApiException(ErrorCode.NOT_FOUND, messages.size() == 1 ? messages.get(0) : "none of the runs the events name was found",
                    Map.of("field", "run_id", "rejected", rejections));
        }
        return new ApiException(ErrorCode.INVALID_INPUT, lines == 0 ? "the body has no events" : "none of the events is valid",
                Map.of("rejected", rejections));
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
