package dev.kyoyu.schemas.decision;

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
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Field checks for decision payloads, with the limits of {@code /v1/trace} (DecisionValidator), so a decision
 * assembled from events is as storable as a traced one. Every error names the field's path.
 */
final class PayloadFields {
    static final int MAX_ITEMS = 100;
    static final int MAX_OUTCOME = 1000;
    static final int MAX_REASONING = 100_000;

    private PayloadFields() {
    }

    static void onlyKnown(ObjectNode node, String path, Set<String> allowed) throws InvalidDecisionEvent {
        for (var names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new InvalidDecisionEvent(path + "." + name, "unknown field; allowed: " + allowed.stream().sorted().toList());
            }
        }
    }

    static UUID uuid(ObjectNode node, String path, String field, boolean required) throws InvalidDecisionEvent {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new InvalidDecisionEvent(path + "." + field, "is required and must be a UUID");
            }
            return null;
        }
        UUID id = EventValidator.parseUuid(value);
        if (id == null) {
            throw new InvalidDecisionEvent(path + "." + field, "must be a UUID in its 36-character text form");
        }
        return id;
    }

    static String requiredText(ObjectNode node, String path, String field, int maxLength) throws InvalidDecisionEvent {
        String value = optionalText(node, path, field, maxLength);
        if (value == null || value.isBlank()) {
            throw new InvalidDecisionEvent(path + "." + field, "is required and must be a non-empty string");
        }
        return value;
    }

    static String optionalText(ObjectNode node, String path, String field, int maxLength) throws InvalidDecisionEvent {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidDecisionEvent(path + "." + field, "must be a string");
        }
        String text = value.textValue();
        if (text.length() > maxLength) {
            throw new InvalidDecisionEvent(path + "." + field, "is " + text.length() + " characters; at most " + maxLength);
        }
        String problem = StorableText.problem(text);
        if (problem != null) {
            throw new InvalidDecisionEvent(path + "." + field, problem);
        }
        return text;
    }

    static Double unitInterval(ObjectNode node, String path, String field) throws InvalidDecisionEvent {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber() || value.asDouble() < 0 || value.asDouble() > 1) {
            throw new InvalidDecisionEvent(path + "." + field, "must be a number from 0 to 1");
        }
        return value.asDouble();
    }

    static Instant instant(ObjectNode node, String path, String field) throws InvalidDecisionEvent {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        try {
            if (!value.isTextual()) {
                throw new DateTimeException("not a string");
            }
            Instant instant = OffsetDateTime.parse(value.textValue()).toInstant();
            if (!TimeWindow.contains(instant)) {
                throw new InvalidDecisionEvent(path + "." + field, "is " + instant + ", outside the times Kyoyu stores: " + TimeWindow.describe());
            }
            return instant;
        } catch (DateTimeException e) {
            throw new InvalidDecisionEvent(path + "." + field, "must be an ISO-8601 timestamp with offset, e.g. 2026-01-31T12:00:00Z");
        }
    }

    static ObjectNode metadata(ObjectNode node, String path) throws InvalidDecisionEvent {
        JsonNode value = node.get("metadata");
        if (value == null || value.isNull()) {
            return EventJson.MAPPER.createObjectNode();
        }
        if (!(value instanceof ObjectNode object)) {
            throw new InvalidDecisionEvent(path + ".metadata", "must be a JSON object");
        }
        StorableText.Bad bad = StorableText.find(object, path + ".metadata");
        if (bad != null) {
            throw new InvalidDecisionEvent(bad.field(), bad.reason());
        }
        return object;
    }

    static TracedDecision.Alternative alternative(ObjectNode node, String path, Set<String> extraFields) throws InvalidDecisionEvent {
        onlyKnown(node, path, union(Set.of("label", "score", "selected", "rejection_reason"), extraFields));
        JsonNode selected = node.get("selected");
        if (selected != null && !selected.isBoolean() && !selected.isNull()) {
            throw new InvalidDecisionEvent(path + ".selected", "must be true or false");
        }
        return new TracedDecision.Alternative(
                requiredText(node, path, "label", 1000),
                unitInterval(node, path, "score"),
                selected != null && selected.asBoolean(),
                optionalText(node, path, "rejection_reason", 10_000));
    }

    static TracedDecision.Evidence evidence(ObjectNode node, String path, Set<String> extraFields) throws InvalidDecisionEvent {
        onlyKnown(node, path, union(Set.of("source_type", "source_uri", "content", "relevance_score"), extraFields));
        String sourceType = optionalText(node, path, "source_type", 100);
        return new TracedDecision.Evidence(
                sourceType == null ? "other" : sourceType,
                optionalText(node, path, "source_uri", 2000),
                requiredText(node, path, "content", 100_000),
                unitInterval(node, path, "relevance_score"));
    }

    static List<TracedDecision.Alternative> alternatives(ObjectNode node, String path) throws InvalidDecisionEvent {
        List<TracedDecision.Alternative> result = new ArrayList<>();
        JsonNode array = items(node, path, "alternatives");
        for (int i = 0; i < array.size(); i++) {
            result.add(alternative(object(array.get(i), path + ".alternatives[" + i + "]"), path + ".alternatives[" + i + "]", Set.of()));
        }
        return result;
    }

    static List<TracedDecision.Evidence> evidence(ObjectNode node, String path) throws InvalidDecisionEvent {
        List<TracedDecision.Evidence> result = new ArrayList<>();
        JsonNode array = items(node, path, "evidence");
        for (int i = 0; i < array.size(); i++) {
            result.add(evidence(object(array.get(i), path + ".evidence[" + i + "]"), path + ".evidence[" + i + "]", Set.of()));
        }
        return result;
    }

    static ObjectNode object(JsonNode node, String path) throws InvalidDecisionEvent {
        if (!(node instanceof ObjectNode object)) {
            throw new InvalidDecisionEvent(path, "must be a JSON object");
        }
        return object;
    }

    private static JsonNode items(ObjectNode node, String path, String field) throws InvalidDecisionEvent {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return EventJson.MAPPER.createArrayNode();
        }
        if (!value.isArray()) {
            throw new InvalidDecisionEvent(path + "." + field, "must be an array");
        }
        if (value.size() > MAX_ITEMS) {
            throw new InvalidDecisionEvent(path + "." + field, "has " + value.size() + " items; at most " + MAX_ITEMS);
        }
        return value;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return all;
    }
}
