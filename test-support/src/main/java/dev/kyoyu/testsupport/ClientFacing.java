package dev.kyoyu.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyoyu.schemas.event.EventJson;
import java.io.IOException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an answer to a client may not contain, and what a client error must contain: the rules of
 * the error envelope, checked the same way by the hostile-input suite, the generative test and the
 * generative bench.
 */
public final class ClientFacing {
    /** A Java class or package name, an exception's name, a method reference like {@code Type.method()}, or Kafka's wording. */
    private static final Pattern LEAK = Pattern.compile(
            "\\b(java|javax|com|org|io|dev)\\.[a-z]+\\.|Exception\\b|\\b[A-Z][A-Za-z0-9]+\\.[a-z][A-Za-z0-9]*\\(\\)"
                    + "|(?i:\\bkafka\\b|RecordTooLarge|\\bbroker\\b|\\bproducer\\b)");

    private ClientFacing() {
    }

    /** The first leaking fragment of an answer's body, if any. */
    public static Optional<String> leak(String body) {
        Matcher m = LEAK.matcher(body);
        if (!m.find()) {
            return Optional.empty();
        }
        int from = Math.max(0, m.start() - 40);
        int to = Math.min(body.length(), m.end() + 40);
        return Optional.of("…" + body.substring(from, to) + "…");
    }

    /**
     * Why a 4xx body is not the documented error envelope
     * {@code {"error":{"code","message","details"},"meta":{"request_id",…}}}, or empty when it is.
     */
    public static Optional<String> envelopeProblem(String body) {
        JsonNode json;
        try {
            json = EventJson.MAPPER.readTree(body);
        } catch (IOException e) {
            return Optional.of("body is not JSON: " + abbreviate(body));
        }
        if (json == null || !json.isObject()) {
            return Optional.of("body is not a JSON object: " + abbreviate(body));
        }
        JsonNode error = json.path("error");
        if (!error.path("code").isTextual() || error.path("code").asText().isBlank()) {
            return Optional.of("no error.code: " + abbreviate(body));
        }
        if (!error.path("message").isTextual() || error.path("message").asText().isBlank()) {
            return Optional.of("no error.message: " + abbreviate(body));
        }
        if (!error.path("details").isObject()) {
            return Optional.of("error.details is not an object: " + abbreviate(body));
        }
        if (!json.path("meta").path("request_id").isTextual()) {
            return Optional.of("no meta.request_id: " + abbreviate(body));
        }
        return Optional.empty();
    }

    /** True when a 4xx names what was wrong: details.field, or a field on every entry of details.rejected. */
    public static boolean namesField(JsonNode error) {
        JsonNode details = error.path("details");
        if (details.path("field").isTextual() && !details.path("field").asText().isBlank()) {
            return true;
        }
        JsonNode rejected = details.path("rejected");
        if (!rejected.isArray() || rejected.isEmpty()) {
            return false;
        }
        for (JsonNode r : rejected) {
            if (!r.path("field").isTextual() || r.path("field").asText().isBlank()) {
                return false;
            }
        }
        return true;
    }

    public static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "…";
    }
}
