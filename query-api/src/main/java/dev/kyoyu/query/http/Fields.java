package dev.kyoyu.query.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.service.auth.AgentIds;
import dev.kyoyu.service.http.ApiException;
import dev.kyoyu.service.http.ErrorCode;
import io.helidon.webserver.http.ServerRequest;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Reads request fields (JSON body or query string) by their path, e.g. {@code filters.time_range.from}, and
 * answers 400 with that path in {@code details.field} when one is wrong. Unknown fields are errors too: a
 * misspelt filter must not silently widen a query.
 */
final class Fields {
    private Fields() {
    }

    static ApiException invalid(String field, String message) {
        return new ApiException(ErrorCode.INVALID_INPUT, field + ": " + message, Map.of("field", field));
    }

    static String path(String parent, String field) {
        return parent.isEmpty() ? field : parent + "." + field;
    }

    static ObjectNode object(JsonNode node, String path, Set<String> allowed) {
        if (!(node instanceof ObjectNode object)) {
            throw invalid(path.isEmpty() ? "body" : path, "must be a JSON object");
        }
        for (var names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw invalid(path(path, name), "unknown field; allowed: " + allowed.stream().sorted().toList());
            }
        }
        return object;
    }

    static boolean absent(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }

    static String text(JsonNode node, String path, int maxLength) {
        if (absent(node)) {
            return null;
        }
        if (!node.isTextual() || node.textValue().isBlank()) {
            throw invalid(path, "must be a non-empty string");
        }
        if (node.textValue().length() > maxLength) {
            throw invalid(path, "is " + node.textValue().length() + " characters; at most " + maxLength);
        }
        return node.textValue();
    }

    /** A string or an array of strings, as a list; null when absent. */
    static List<String> texts(JsonNode node, String path, int maxItems, int maxLength) {
        if (absent(node)) {
            return null;
        }
        if (node.isTextual()) {
            return List.of(text(node, path, maxLength));
        }
        if (!node.isArray() || node.isEmpty() || node.size() > maxItems) {
            throw invalid(path, "must be a string or an array of 1 to " + maxItems + " strings");
        }
        List<String> values = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            values.add(text(node.get(i), path + "[" + i + "]", maxLength));
        }
        return List.copyOf(values);
    }

    static List<String> agentIds(JsonNode node, String path) {
        List<String> ids = texts(node, path, 100, 128);
        if (ids != null) {
            for (String id : ids) {
                if (!AgentIds.isValid(id)) {
                    throw invalid(path, "'" + id + "' is not an agent id (" + AgentIds.rule() + ")");
                }
            }
        }
        return ids;
    }

    static Double unitInterval(JsonNode node, String path) {
        if (absent(node)) {
            return null;
        }
        if (!node.isNumber() || node.asDouble() < 0 || node.asDouble() > 1) {
            throw invalid(path, "must be a number from 0 to 1");
        }
        return node.asDouble();
    }

    static Instant instant(JsonNode node, String path) {
        if (absent(node)) {
            return null;
        }
        if (!node.isTextual()) {
            throw invalid(path, "must be an ISO-8601 timestamp with offset, e.g. 2026-01-31T12:00:00Z");
        }
        return instant(node.textValue(), path);
    }

    static Instant instant(String raw, String path) {
        try {
            return OffsetDateTime.parse(raw).toInstant();
        } catch (DateTimeException e) {
            throw invalid(path, "'" + raw + "' is not an ISO-8601 timestamp with offset, e.g. 2026-01-31T12:00:00Z");
        }
    }

    static UUID uuid(String raw, String path) {
        try {
            if (raw.length() == 36) {
                return UUID.fromString(raw);
            }
        } catch (IllegalArgumentException e) {
            // falls through to the 400 below
        }
        throw invalid(path, "'" + raw + "' is not a UUID");
    }

    static int integer(JsonNode node, String path, int defaultValue, int min, int max) {
        if (absent(node)) {
            return defaultValue;
        }
        if (!node.canConvertToInt() || !node.isIntegralNumber() || node.intValue() < min || node.intValue() > max) {
            throw invalid(path, "must be an integer in " + min + ".." + max);
        }
        return node.intValue();
    }

    static boolean bool(JsonNode node, String path, boolean defaultValue) {
        if (absent(node)) {
            return defaultValue;
        }
        if (!node.isBoolean()) {
            throw invalid(path, "must be true or false");
        }
        return node.booleanValue();
    }

    /** One of {@code allowed} (lower case), or the default when absent. */
    static String choice(JsonNode node, String path, List<String> allowed, String defaultValue) {
        if (absent(node)) {
            return defaultValue;
        }
        if (!node.isTextual() || !allowed.contains(node.textValue())) {
            throw invalid(path, "must be one of " + allowed);
        }
        return node.textValue();
    }

    // --- query string ---------------------------------------------------------------------------

    static void onlyParams(ServerRequest req, Set<String> allowed) {
        for (String name : req.query().names()) {
            if (!allowed.contains(name)) {
                throw invalid(name, "unknown query parameter; allowed: " + allowed.stream().sorted().toList());
            }
        }
    }

    static String param(ServerRequest req, String name) {
        List<String> values = req.query().all(name, List::of);
        if (values.size() > 1) {
            throw invalid(name, "given " + values.size() + " times; give it once");
        }
        return values.isEmpty() || values.getFirst().isBlank() ? null : values.getFirst();
    }

    static int intParam(ServerRequest req, String name, int defaultValue, int min, int max) {
        String raw = param(req, name);
        if (raw == null) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(raw);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // falls through to the 400 below
        }
        throw invalid(name, "'" + raw + "' must be an integer in " + min + ".." + max);
    }

    static Instant instantParam(ServerRequest req, String name) {
        String raw = param(req, name);
        return raw == null ? null : instant(raw, name);
    }

    static Double unitParam(ServerRequest req, String name) {
        String raw = param(req, name);
        if (raw == null) {
            return null;
        }
        try {
            double value = Double.parseDouble(raw);
            if (value >= 0 && value <= 1) {
                return value;
            }
        } catch (NumberFormatException e) {
            // falls through to the 400 below
        }
        throw invalid(name, "'" + raw + "' must be a number from 0 to 1");
    }

    static String agentParam(ServerRequest req, String name) {
        String raw = param(req, name);
        if (raw != null && !AgentIds.isValid(raw)) {
            throw invalid(name, "'" + raw + "' is not an agent id (" + AgentIds.rule() + ")");
        }
        return raw;
    }

    static String choiceParam(ServerRequest req, String name, List<String> allowed, String defaultValue) {
        String raw = param(req, name);
        if (raw == null) {
            return defaultValue;
        }
        if (!allowed.contains(raw)) {
            throw invalid(name, "'" + raw + "' must be one of " + allowed);
        }
        return raw;
    }
}
