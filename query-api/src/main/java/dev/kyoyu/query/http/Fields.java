package dev.kyoyu.query.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.schemas.decision.DecisionLimits;
import dev.kyoyu.schemas.event.TimeWindow;
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
import java.util.regex.Pattern;

/**
 * Reads request fields (JSON body or query string) by their path, e.g. {@code filters.time_range.from}, and
 * answers 400 with that path in {@code details.field} when one is wrong. Unknown fields are errors too: a
 * misspelt filter must not silently widen a query. Every value is checked here for what a later stage cannot
 * hold (a NUL in a string, a lone surrogate, a time outside {@link TimeWindow}), so no client mistake reaches
 * PostgreSQL as an error it would answer with a 500.
 */
final class Fields {
    /** Canonical 8-4-4-4-12 hex; UUID.fromString alone also takes shortened groups. */
    private static final Pattern UUID_TEXT = Pattern.compile(
            "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
    /** How much of a bad value an error message echoes. */
    private static final int ECHO_CHARS = 64;
    /** Longest decision_type a decision can have, so a longer filter is a mistake. */
    static final int MAX_TYPE_CHARS = DecisionLimits.MAX_DECISION_TYPE;

    private Fields() {
    }

    /** A bad value as an error message shows it: quoted, cut short, NUL and other controls escaped. */
    static String quote(String raw) {
        String shown = raw.length() > ECHO_CHARS ? raw.substring(0, ECHO_CHARS) + "..." : raw;
        StringBuilder out = new StringBuilder("'");
        shown.codePoints().forEach(c -> {
            if (Character.isISOControl(c) || c <= 0xFFFF && Character.isSurrogate((char) c)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.append('\'').toString();
    }

    /**
     * 400 unless {@code value} is text PostgreSQL can store: no NUL (text columns refuse it) and valid Unicode
     * (a lone surrogate from a JSON escape or a %-encoded parameter has no UTF-8 form).
     */
    static String storable(String value, String path) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == 0) {
                throw invalid(path, "contains a NUL character (\\u0000) at position " + i);
            }
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw invalid(path, "is not valid Unicode: a lone surrogate (\\u" + Integer.toHexString(c) + ") at position " + i);
            }
        }
        return value;
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
        return storable(node.textValue(), path);
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
            String item = path + "[" + i + "]";
            if (absent(node.get(i))) {
                throw invalid(item, "is null; every item must be a non-empty string");
            }
            values.add(text(node.get(i), item, maxLength));
        }
        return List.copyOf(values);
    }

    static List<String> agentIds(JsonNode node, String path) {
        List<String> ids = texts(node, path, 100, 128);
        if (ids != null) {
            for (String id : ids) {
                if (!AgentIds.isValid(id)) {
                    throw invalid(path, quote(id) + " is not an agent id (" + AgentIds.rule() + ")");
                }
            }
        }
        return ids;
    }

    static Double unitInterval(JsonNode node, String path) {
        if (absent(node)) {
            return null;
        }
        // A NaN fails both comparisons, so it is tested on its own.
        if (!node.isNumber() || Double.isNaN(node.asDouble()) || node.asDouble() < 0 || node.asDouble() > 1) {
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

    /** An ISO-8601 time with offset inside {@link TimeWindow}: PostgreSQL and epoch milliseconds hold no more. */
    static Instant instant(String raw, String path) {
        Instant instant;
        try {
            instant = OffsetDateTime.parse(raw).toInstant();
        } catch (DateTimeException e) {
            throw invalid(path, quote(raw) + " is not an ISO-8601 timestamp with offset, e.g. 2026-01-31T12:00:00Z");
        }
        if (!TimeWindow.contains(instant)) {
            throw invalid(path, quote(raw) + " is outside the times Kyoyu holds: " + TimeWindow.describe());
        }
        return instant;
    }

    /** A UUID in its canonical 8-4-4-4-12 hex form. */
    static UUID uuid(String raw, String path) {
        if (raw != null && UUID_TEXT.matcher(raw).matches()) {
            return UUID.fromString(raw);
        }
        throw invalid(path, (raw == null ? "nothing" : quote(raw)) + " is not a UUID (8-4-4-4-12 hex digits)");
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
            // "?a=1&" has an empty name after the last "&": nothing was asked for there.
            if (!name.isEmpty() && !allowed.contains(name)) {
                throw invalid(name, "unknown query parameter; allowed: " + allowed.stream().sorted().toList());
            }
        }
    }

    static String param(ServerRequest req, String name) {
        List<String> values = req.query().all(name, List::of);
        if (values.size() > 1) {
            throw invalid(name, "given " + values.size() + " times; give it once");
        }
        return values.isEmpty() || values.getFirst().isBlank() ? null : decoded(values.getFirst(), name);
    }

    /**
     * A query value as percent-decoded by the server: bytes that were not UTF-8 (%ED%A0%80, a UTF-8-encoded
     * surrogate, say) arrive as U+FFFD. No parameter here names free text, so that character only ever means
     * the client sent something that is not text.
     */
    private static String decoded(String value, String name) {
        if (value.indexOf('\uFFFD') >= 0) {
            throw invalid(name, "is not valid UTF-8 once percent-decoded");
        }
        return storable(value, name);
    }

    /** A text parameter of at most {@code maxLength} characters; null when absent. */
    static String textParam(ServerRequest req, String name, int maxLength) {
        String raw = param(req, name);
        if (raw != null && raw.length() > maxLength) {
            throw invalid(name, "is " + raw.length() + " characters; at most " + maxLength);
        }
        return raw;
    }

    /** Every value of a parameter that may repeat, at most {@code maxValues} of them, each checked like {@link #param}. */
    static List<String> params(ServerRequest req, String name, int maxValues) {
        List<String> values = req.query().all(name, List::of);
        if (values.size() > maxValues) {
            throw invalid(name, "given " + values.size() + " times; at most " + maxValues);
        }
        values.forEach(value -> decoded(value, name));
        return values;
    }

    static long longParam(ServerRequest req, String name, long defaultValue, long min, long max) {
        String raw = param(req, name);
        if (raw == null) {
            return defaultValue;
        }
        try {
            long value = Long.parseLong(raw);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // falls through to the 400 below
        }
        throw invalid(name, quote(raw) + " must be an integer in " + min + ".." + max);
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
        throw invalid(name, quote(raw) + " must be an integer in " + min + ".." + max);
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
        throw invalid(name, quote(raw) + " must be a number from 0 to 1");
    }

    static String agentParam(ServerRequest req, String name) {
        String raw = param(req, name);
        if (raw != null && !AgentIds.isValid(raw)) {
            throw invalid(name, quote(raw) + " is not an agent id (" + AgentIds.rule() + ")");
        }
        return raw;
    }

    static String choiceParam(ServerRequest req, String name, List<String> allowed, String defaultValue) {
        String raw = param(req, name);
        if (raw == null) {
            return defaultValue;
        }
        if (!allowed.contains(raw)) {
            throw invalid(name, quote(raw) + " must be one of " + allowed);
        }
        return raw;
    }
}
