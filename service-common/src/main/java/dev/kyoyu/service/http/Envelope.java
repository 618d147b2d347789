package dev.kyoyu.service.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.schemas.event.EventJson;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Instant;
import java.util.Map;

/** Writes the v1 envelopes: {@code {"data":…, "meta":…}} and {@code {"error":…, "meta":…}}. */
public final class Envelope {
    private Envelope() {
    }

    public static void send(ServerRequest req, ServerResponse res, int status, Object data) {
        ObjectNode body = EventJson.MAPPER.createObjectNode();
        body.set("data", EventJson.MAPPER.valueToTree(data));
        body.set("meta", meta(req));
        write(req, res, status, body);
    }

    public static void sendError(ServerRequest req, ServerResponse res, ErrorCode code, String message, Object details) {
        ObjectNode error = EventJson.MAPPER.createObjectNode();
        error.put("code", code.name());
        error.put("message", message);
        error.set("details", EventJson.MAPPER.valueToTree(details == null ? Map.of() : details));
        ObjectNode body = EventJson.MAPPER.createObjectNode();
        body.set("error", error);
        body.set("meta", meta(req));
        write(req, res, code.status(), body);
    }

    private static ObjectNode meta(ServerRequest req) {
        ObjectNode meta = EventJson.MAPPER.createObjectNode();
        meta.put("request_id", RequestIds.of(req));
        meta.put("timestamp", Instant.now().toString());
        return meta;
    }

    private static void write(ServerRequest req, ServerResponse res, int status, ObjectNode body) {
        byte[] bytes;
        try {
            bytes = EventJson.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.header(RequestIds.HEADER, RequestIds.of(req));
        res.send(bytes);
    }
}
