package dev.kyoyu.ingest.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.schemas.event.StorableText;
import dev.kyoyu.service.http.ApiException;
import dev.kyoyu.service.http.ErrorCode;
import dev.kyoyu.service.http.JsonBodies;
import io.helidon.webserver.http.ServerRequest;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/** Object-valued request parts (optional bodies, run metadata), checked so that what is accepted can be stored. */
final class RequestObjects {
    private RequestObjects() {
    }

    /**
     * Bodies of start/complete are optional: none, or a JSON object of the allowed fields. An unknown field is
     * refused, not ignored: a typo must not silently drop what the client meant to record.
     */
    static ObjectNode optionalBody(JsonBodies bodies, ServerRequest req, Set<String> allowed) throws Exception {
        if (!req.content().hasEntity()) {
            return EventJson.MAPPER.createObjectNode();
        }
        JsonNode body = bodies.readJson(req);
        if (!(body instanceof ObjectNode object)) {
            throw ApiException.invalid("request body must be a JSON object");
        }
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                // A name that cannot be stored is not echoed back either.
                boolean printable = StorableText.problem(name) == null && name.length() <= 64;
                throw new ApiException(ErrorCode.INVALID_INPUT, (printable ? "unknown field '" + name + "'" : "an unknown field")
                        + "; allowed: " + allowed, Map.of("field", printable ? name : "body"));
            }
        }
        return object;
    }

    /** An optional object field (e.g. metadata): a JSON object whose keys and texts can all be stored. */
    static ObjectNode objectField(ObjectNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return EventJson.MAPPER.createObjectNode();
        }
        if (!(value instanceof ObjectNode object)) {
            throw new ApiException(ErrorCode.INVALID_INPUT, field + " must be a JSON object", Map.of("field", field));
        }
        StorableText.Bad bad = StorableText.find(object, field);
        if (bad != null) {
            throw new ApiException(ErrorCode.INVALID_INPUT, bad.message(), Map.of("field", bad.field()));
        }
        return object;
    }
}
