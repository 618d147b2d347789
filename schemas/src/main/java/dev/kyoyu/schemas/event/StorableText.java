package dev.kyoyu.schemas.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Text every later stage can hold: PostgreSQL text and jsonb refuse U+0000, and a lone UTF-16 surrogate
 * (JSON {@code "\ud800"}) is not Unicode, so it cannot be encoded as UTF-8 for the database. Both are refused
 * where they enter, in values and in object keys alike.
 */
public final class StorableText {
    private StorableText() {
    }

    /** What is wrong with a text, or null when it can be stored. */
    public static String problem(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\0') {
                return "contains the NUL character (\\u0000), which cannot be stored";
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "contains a lone UTF-16 surrogate (e.g. \\ud800), which is not valid Unicode";
            }
        }
        return null;
    }

    /** A text in a JSON tree that cannot be stored: {@code field} is its path, e.g. {@code payload.items[2].name}. */
    public record Bad(String field, String reason) {
        public String message() {
            return field + " " + reason;
        }
    }

    /** The first key, string or number in the tree that cannot be stored, or null. */
    public static Bad find(JsonNode node, String path) {
        if (node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue())) {
            // 1e999999 parses as infinity, which JSON (and so jsonb) cannot hold: it would be stored as some other value.
            return new Bad(path, "is a number beyond the range of a double, which cannot be stored");
        }
        if (node.isTextual()) {
            String problem = problem(node.textValue());
            return problem == null ? null : new Bad(path, problem);
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                Bad bad = find(node.get(i), path + "[" + i + "]");
                if (bad != null) {
                    return bad;
                }
            }
            return null;
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            String keyProblem = problem(field.getKey());
            if (keyProblem != null) {
                // The key itself is not echoed: it is what cannot be written.
                return new Bad(path, "has a key that " + keyProblem);
            }
            Bad bad = find(field.getValue(), path + "." + abbreviate(field.getKey()));
            if (bad != null) {
                return bad;
            }
        }
        return null;
    }

    private static String abbreviate(String key) {
        return key.length() <= 64 ? key : key.substring(0, 61) + "...";
    }
}
