package dev.kyoyu.schemas.decision;

import static dev.kyoyu.schemas.decision.DecisionLimits.MAX_EVIDENCE_CONTENT;
import static dev.kyoyu.schemas.decision.DecisionLimits.MAX_ITEMS;
import static dev.kyoyu.schemas.decision.DecisionLimits.MAX_LABEL;
import static dev.kyoyu.schemas.decision.DecisionLimits.MAX_REJECTION_REASON;
import static dev.kyoyu.schemas.decision.DecisionLimits.MAX_SOURCE_TYPE;
import static dev.kyoyu.schemas.decision.DecisionLimits.MAX_SOURCE_URI;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.schemas.event.EventValidator;
import dev.kyoyu.schemas.event.StorableText;
import dev.kyoyu.schemas.event.TimeWindow;
import dev.kyoyu.schemas.event.TracedDecision;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The checks of a decision's fields, shared by {@link DecisionValidator} (whole decisions) and
 * {@link DecisionEvents} (granular steps), with the limits of {@link DecisionLimits}. Every error names the
 * field's path.
 */
final class DecisionFields {
    static final Set<String> ALTERNATIVE_FIELDS = Set.of("label", "score", "selected", "rejection_reason");
    static final Set<String> EVIDENCE_FIELDS = Set.of("source_type", "source_uri", "content", "relevance_score");

    /** Whether the items of alternatives and evidence may carry fields of their own (ignored). */
    enum Items { OPEN, CLOSED }

    private DecisionFields() {
    }

    static void onlyKnown(ObjectNode node, String path, Set<String> allowed) throws InvalidDecision {
        for (var names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new InvalidDecision(path + "." + name, "unknown field; allowed: " + allowed.stream().sorted().toList());
            }
        }
    }

    static ObjectNode object(JsonNode node, String path) throws InvalidDecision {
        if (!(node instanceof ObjectNode object)) {
            throw new InvalidDecision(path, "must be a JSON object");
        }
        return object;
    }

    static UUID uuid(ObjectNode node, String path, String field, boolean required) throws InvalidDecision {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new InvalidDecision(path + "." + field, "is required and must be a UUID");
            }
            return null;
        }
        UUID id = EventValidator.parseUuid(value);
        if (id == null) {
            throw new InvalidDecision(path + "." + field, "must be a UUID in its 36-character text form");
        }
        return id;
    }

    static String decisionType(ObjectNode node, String path) throws InvalidDecision {
        String type = requiredText(node, path, "decision_type", DecisionLimits.MAX_DECISION_TYPE);
        if (!DecisionLimits.DECISION_TYPE.matcher(type).matches()) {
            throw new InvalidDecision(path + ".decision_type",
                    "must start with a letter and use letters, digits and _ . : - (e.g. loan_approval)");
        }
        return type;
    }

    static String requiredText(ObjectNode node, String path, String field, int maxLength) throws InvalidDecision {
        String value = optionalText(node, path, field, maxLength);
        if (value == null || value.isBlank()) {
            throw new InvalidDecision(path + "." + field, "is required and must be a non-empty string");
        }
        return value;
    }

    static String optionalText(ObjectNode node, String path, String field, int maxLength) throws InvalidDecision {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidDecision(path + "." + field, "must be a string");
        }
        String text = value.textValue();
        if (text.length() > maxLength) {
            throw new InvalidDecision(path + "." + field, "is " + text.length() + " characters; at most " + maxLength);
        }
        String problem = StorableText.problem(text);
        if (problem != null) {
            throw new InvalidDecision(path + "." + field, problem);
        }
        return text;
    }

    static Double unitInterval(ObjectNode node, String path, String field) throws InvalidDecision {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber() || value.asDouble() < 0 || value.asDouble() > 1) {
            throw new InvalidDecision(path + "." + field, "must be a number from 0 to 1");
        }
        return value.asDouble();
    }

    static Instant instant(ObjectNode node, String path, String field) throws InvalidDecision {
        JsonNode value = node.get(field);
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
            throw new InvalidDecision(path + "." + field, "must be an ISO-8601 timestamp with offset, e.g. 2026-01-31T12:00:00Z");
        }
        if (!TimeWindow.contains(instant)) {
            throw new InvalidDecision(path + "." + field, "is " + instant + ", outside the times Kyoyu stores: " + TimeWindow.describe());
        }
        return instant;
    }

    static ObjectNode metadata(ObjectNode node, String path) throws InvalidDecision {
        JsonNode value = node.get("metadata");
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

    /** An alternative's own fields; the caller checks for unknown ones where they are refused. */
    static TracedDecision.Alternative alternative(ObjectNode node, String path) throws InvalidDecision {
        JsonNode selected = node.get("selected");
        if (selected != null && !selected.isBoolean() && !selected.isNull()) {
            throw new InvalidDecision(path + ".selected", "must be true or false");
        }
        return new TracedDecision.Alternative(
                requiredText(node, path, "label", MAX_LABEL),
                unitInterval(node, path, "score"),
                selected != null && selected.asBoolean(),
                optionalText(node, path, "rejection_reason", MAX_REJECTION_REASON));
    }

    /** A piece of evidence's own fields; the caller checks for unknown ones where they are refused. */
    static TracedDecision.Evidence evidence(ObjectNode node, String path) throws InvalidDecision {
        String sourceType = optionalText(node, path, "source_type", MAX_SOURCE_TYPE);
        return new TracedDecision.Evidence(
                sourceType == null ? "other" : sourceType,
                optionalText(node, path, "source_uri", MAX_SOURCE_URI),
                requiredText(node, path, "content", MAX_EVIDENCE_CONTENT),
                unitInterval(node, path, "relevance_score"));
    }

    static List<TracedDecision.Alternative> alternatives(ObjectNode node, String path, Items items) throws InvalidDecision {
        return list(node, path, "alternatives", items, ALTERNATIVE_FIELDS, DecisionFields::alternative);
    }

    static List<TracedDecision.Evidence> evidence(ObjectNode node, String path, Items items) throws InvalidDecision {
        return list(node, path, "evidence", items, EVIDENCE_FIELDS, DecisionFields::evidence);
    }

    /** Reads one item of a decision's list at its path. */
    private interface ItemReader<T> {
        T read(ObjectNode item, String at) throws InvalidDecision;
    }

    private static <T> List<T> list(ObjectNode node, String path, String field, Items items, Set<String> known,
                                    ItemReader<T> reader) throws InvalidDecision {
        List<T> result = new ArrayList<>();
        JsonNode array = items(node, path, field);
        for (int i = 0; i < array.size(); i++) {
            String at = path + "." + field + "[" + i + "]";
            ObjectNode item = object(array.get(i), at);
            if (items == Items.CLOSED) {
                onlyKnown(item, at, known);
            }
            result.add(reader.read(item, at));
        }
        return result;
    }

    static Set<String> with(Set<String> fields, String... more) {
        Set<String> all = new HashSet<>(fields);
        all.addAll(List.of(more));
        return all;
    }

    private static JsonNode items(ObjectNode node, String path, String field) throws InvalidDecision {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return EventJson.MAPPER.createArrayNode();
        }
        if (!value.isArray()) {
            throw new InvalidDecision(path + "." + field, "must be an array");
        }
        if (value.size() > MAX_ITEMS) {
            throw new InvalidDecision(path + "." + field, "has " + value.size() + " items; at most " + MAX_ITEMS);
        }
        return value;
    }
}
