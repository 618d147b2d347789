package dev.kyoyu.query.live;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyoyu.schemas.event.EventJson;
import java.io.IOException;
import java.util.List;

/**
 * One record of the decisions or conflicts topic, with the fields subscriptions filter on. The data sent to
 * subscribers is the record's JSON as the stream produced it, re-serialised on one line.
 *
 * @param agents the decision's agent, or both agents of a conflict
 * @param confidence null for conflicts and for decisions without one
 */
public record FeedEvent(FeedPosition.Key key, long offset, String json, List<String> agents, String decisionType,
                        Double confidence) {

    /** Parses a record value; null when it lacks what filtering needs (counted and skipped by the feed). */
    static FeedEvent parse(FeedPosition.Key key, long offset, byte[] value) {
        if (value == null) {
            return null;
        }
        JsonNode record;
        try {
            record = EventJson.MAPPER.readTree(value);
        } catch (IOException e) {
            return null;
        }
        if (record == null || !record.isObject() || !record.path("decision_type").isTextual()) {
            return null;
        }
        List<String> agents;
        Double confidence = null;
        if (key.role() == FeedPosition.Role.DECISIONS) {
            if (!record.path("agent_id").isTextual()) {
                return null;
            }
            agents = List.of(record.path("agent_id").textValue());
            confidence = record.path("confidence").isNumber() ? record.path("confidence").asDouble() : null;
        } else {
            if (!record.path("agent_a_id").isTextual() || !record.path("agent_b_id").isTextual()) {
                return null;
            }
            agents = List.of(record.path("agent_a_id").textValue(), record.path("agent_b_id").textValue());
        }
        // As on the REST side: a client-supplied vector stays out of what subscribers receive.
        if (record.path("metadata") instanceof com.fasterxml.jackson.databind.node.ObjectNode metadata) {
            metadata.remove("embedding");
        }
        return new FeedEvent(key, offset, record.toString(), agents, record.path("decision_type").textValue(), confidence);
    }

    String eventName() {
        return key.role().eventName;
    }
}
