package dev.kyoyu.schemas.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Checks a decision as clients send it to {@code /v1/trace}, and as the sink reads it back from a
 * {@code DecisionTraced} event: the same rules on both sides, so what the API accepted the sink can store.
 */
public final class DecisionValidator {
    private static final Pattern DECISION_TYPE = Pattern.compile("^[A-Za-z][A-Za-z0-9_.:-]{0,99}$");
    private static final Set<String> FIELDS = Set.of("id", "decision_type", "outcome", "confidence", "reasoning",
            "metadata", "valid_from", "alternatives", "evidence");
    private static final int MAX_ITEMS = 100;

    /** What is wrong, with the path of the field, e.g. {@code decision.alternatives[2].label}. */
    public static final class InvalidDecision extends Exception {
        private final String field;

        InvalidDecision(String field, String message) {
            super(field + ": " + message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    private DecisionValidator() {
    }

    /**
     * @param node      the decision object
     * @param path      how to name it in errors, e.g. {@code decision}
     * @param defaultId the id to use when the decision brings none
     */
    public static TracedDecision parse(JsonNode node, String path, UUID defaultId) throws InvalidDecision {
        if (!(node instanceof ObjectNode decision)) {
            throw new InvalidDecision(path, "must be a JSON object");
        }
        for (var names = decision.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new InvalidDecision(path + "." + name, "unknown field; allowed: " + FIELDS);
            }
        }
        UUID id = decision.hasNonNull("id") ? EventValidator.parseUuid(decision.get("id")) : defaultId;
        if (id == null) {
            throw new InvalidDecision(path + ".id", "must be a UUID in its 36-character text form");
        }
        String type = requiredText(decision, path, "decision_type", 100);
        if (!DECISION_TYPE.matcher(type).matches()) {
            throw new InvalidDecision(path + ".decision_type", "must start with a letter and use letters, digits and _ . : - (e.g. loan_approval)");
        }
        return new TracedDecision(id, type,
                requiredText(decision, path, "outcome", 1000),
                unitInterval(decision.get("confidence"), path + ".confidence"),
                optionalText(decision, path, "reasoning", 100_000),
                metadata(decision, path),
                instant(decision.get("valid_from"), path + ".valid_from"),
                alternatives(decision.get("alternatives"), path + ".alternatives"),
                evidence(decision.get("evidence"), path + ".evidence"));
    }

    private static List<TracedDecision.Alternative> alternatives(JsonNode node, String path) throws InvalidDecision {
        List<TracedDecision.Alternative> result = new ArrayList<>();
        for (int i = 0; i < items(node, path); i++) {
            String at = path + "[" + i + "]";
            if (!(node.get(i) instanceof ObjectNode alternative)) {
                throw new InvalidDecision(at, "must be a JSON object");
            }
            JsonNode selected = alternative.get("selected");
            if (selected != null && !selected.isBoolean() && !selected.isNull()) {
                throw new InvalidDecision(at + ".selected", "must be true or false");
            }
            result.add(new TracedDecision.Alternative(
                    requiredText(alternative, at, "label", 1000),
                    unitInterval(alternative.get("score"), at + ".score"),
                    selected != null && selected.asBoolean(),
                    optionalText(alternative, at, "rejection_reason", 10_000)));
        }
        return result;
    }

    private static List<TracedDecision.Evidence> evidence(JsonNode node, String path) throws InvalidDecision {
        List<TracedDecision.Evidence> result = new ArrayList<>();
        for (int i = 0; i < items(node, path); i++) {
            String at = path + "[" + i + "]";
            if (!(node.get(i) instanceof ObjectNode evidence)) {
                throw new InvalidDecision(at, "must be a JSON object");
            }
            String sourceType = optionalText(evidence, at, "source_type", 100);
            result.add(new TracedDecision.Evidence(
                    sourceType == null ? "other" : sourceType,
                    optionalText(evidence, at, "source_uri", 2000),
                    requiredText(evidence, at, "content", 100_000),
                    unitInterval(evidence.get("relevance_score"), at + ".relevance_score")));
        }
        return result;
    }

    private static int items(JsonNode node, String path) throws InvalidDecision {
        if (node == null || node.isNull()) {
            return 0;
        }
        if (!node.isArray()) {
            throw new InvalidDecision(path, "must be an array");
        }
        if (node.size() > MAX_ITEMS) {
            throw new InvalidDecision(path, "has " + node.size() + " items; at most " + MAX_ITEMS);
        }
        return node.size();
    }

    private static String requiredText(ObjectNode node, String path, String field, int maxLength) throws InvalidDecision {
        String value = optionalText(node, path, field, maxLength);
        if (value == null || value.isBlank()) {
            throw new InvalidDecision(path + "." + field, "is required and must be a non-empty string");
        }
        return value;
    }

    private static String optionalText(ObjectNode node, String path, String field, int maxLength) throws InvalidDecision {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidDecision(path + "." + field, "must be a string");
        }
        if (value.textValue().length() > maxLength) {
            throw new InvalidDecision(path + "." + field, "is " + value.textValue().length() + " characters; at most " + maxLength);
        }
        String problem = StorableText.problem(value.textValue());
        if (problem != null) {
            throw new InvalidDecision(path + "." + field, problem);
        }
        return value.textValue();
    }

    private static Double unitInterval(JsonNode value, String path) throws InvalidDecision {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber() || value.asDouble() < 0 || value.asDouble() > 1) {
            throw new InvalidDecision(path, "must be a number from 0 to 1");
        }
        return value.asDouble();
    }

    private static Instant instant(JsonNode value, String path) throws InvalidDecision {
        if (value == null || value.isNull()) {
            return null;
        }
        Instant instant;
        try {
            if (!value.isTextual()) {
                throw new DateTimeException("not a string");
            }
            instant = OffsetDateTime.parse(value.textValue()).toInstant();
        } catch (DateTimeException e) {
            throw new InvalidDecision(path, "must be an ISO-8601 timestamp with offset, e.g. 2026-01-31T12:00:00Z");
        }
        if (!TimeWindow.contains(instant)) {
            throw new InvalidDecision(path, "is " + instant + ", outside the times Kyoyu stores: " + TimeWindow.describe());
        }
        return instant;
    }

    private static ObjectNode metadata(ObjectNode decision, String path) throws InvalidDecision {
        JsonNode value = decision.get("metadata");
        if (value == null || value.isNull()) {
            return EventJson.MAPPER.createObjectNode();
        }
        if (!(value instanceof ObjectNode object)) {
            throw new InvalidDecision(path + ".metadata", "must be a JSON object");
        }
        StorableText.Bad bad = StorableText.find(object, path + ".metadata");
        if (bad != null) {
            throw new InvalidDecision(bad.field(), bad.reason());
        }
        return object;
    }
}
