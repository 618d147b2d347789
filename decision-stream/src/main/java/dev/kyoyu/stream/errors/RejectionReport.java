package dev.kyoyu.stream.errors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.kyoyu.schemas.decision.RejectedDecisionEvent;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.stream.assembly.RejectReason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * The record a Kafka Streams exception handler puts on the rejected topic for a record the stream could not
 * read, process or publish. The value has the rejected topic's one shape ({@link RejectedDecisionEvent}), filled
 * in as far as the source record can be read; the headers say where it came from and what failed, under the
 * names KIP-1034 gives Kafka Streams' own dead-letter records.
 */
final class RejectionReport {
    static final String HEADER_TOPIC = "__streams.errors.topic";
    static final String HEADER_PARTITION = "__streams.errors.partition";
    static final String HEADER_OFFSET = "__streams.errors.offset";
    static final String HEADER_EXCEPTION = "__streams.errors.exception";
    static final String HEADER_MESSAGE = "__streams.errors.message";
    /** A report must stay far below any record size limit, whatever the exception says. */
    private static final int MAX_MESSAGE = 2000;

    private RejectionReport() {
    }

    static ProducerRecord<byte[], byte[]> build(String rejectedTopic, RejectReason reason, String what,
                                                ErrorHandlerContext context, byte[] rawKey, byte[] rawValue, Exception e) {
        JsonNode source = readLeniently(rawValue);
        String agentId = text(source, "agent_id");
        // A decision record names its event in source_event_id; an agent event's id is the event.
        UUID eventId = uuid(source, source.has("source_event_id") ? "source_event_id" : "id");
        String message = truncate(what + ": " + e.getMessage());
        RejectedDecisionEvent report = new RejectedDecisionEvent(eventId, uuid(source, "run_id"), agentId,
                text(source, "event_type"), reason.code(), null, message);

        RecordHeaders headers = new RecordHeaders();
        header(headers, HEADER_TOPIC, context.topic());
        header(headers, HEADER_PARTITION, String.valueOf(context.partition()));
        header(headers, HEADER_OFFSET, String.valueOf(context.offset()));
        header(headers, HEADER_EXCEPTION, e.getClass().getName());
        header(headers, HEADER_MESSAGE, truncate(String.valueOf(e.getMessage())));
        byte[] key = agentId != null ? agentId.getBytes(StandardCharsets.UTF_8) : rawKey;
        try {
            return new ProducerRecord<>(rejectedTopic, null, key, EventJson.MAPPER.writeValueAsBytes(report), headers);
        } catch (IOException ioe) {
            throw new IllegalStateException("a rejection report always serializes", ioe);
        }
    }

    /** Whatever of the record is JSON; nothing when it is not (that may be why it was rejected). */
    private static JsonNode readLeniently(byte[] rawValue) {
        if (rawValue == null) {
            return MissingNode.getInstance();
        }
        try {
            JsonNode node = EventJson.MAPPER.readTree(rawValue);
            return node == null ? MissingNode.getInstance() : node;
        } catch (IOException | RuntimeException e) {
            return MissingNode.getInstance();
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() ? value.textValue() : null;
    }

    private static UUID uuid(JsonNode node, String field) {
        String text = text(node, field);
        if (text == null) {
            return null;
        }
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String truncate(String message) {
        return message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE) + "…";
    }

    private static void header(RecordHeaders headers, String name, String value) {
        if (value != null) {
            headers.add(name, value.getBytes(StandardCharsets.UTF_8));
        }
    }
}
