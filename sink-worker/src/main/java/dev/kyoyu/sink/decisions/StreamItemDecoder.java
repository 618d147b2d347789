package dev.kyoyu.sink.decisions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyoyu.schemas.decision.ConflictRecord;
import dev.kyoyu.schemas.decision.DecisionRecord;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.schemas.event.TimeWindow;
import java.io.IOException;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns a record of the decisions or conflicts topic into what the writer stores, or says why it never can be
 * stored. Checks here what PostgreSQL would refuse mid-batch (NUL characters, timestamps beyond its range).
 */
final class StreamItemDecoder {

    /** A record that can never be stored; it goes to the dead-letter topic. */
    static final class PoisonRecordException extends Exception {
        PoisonRecordException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final String decisionsTopic;

    StreamItemDecoder(String decisionsTopic) {
        this.decisionsTopic = decisionsTopic;
    }

    StreamItem decode(ConsumerRecord<String, byte[]> record) throws PoisonRecordException {
        boolean decision = record.topic().equals(decisionsTopic);
        JsonNode tree;
        try {
            if (record.value() == null) {
                throw new IOException("record has no value");
            }
            tree = EventJson.MAPPER.readTree(record.value());
        } catch (IOException | RuntimeException e) {
            throw new PoisonRecordException("not JSON: " + e.getMessage(), e);
        }
        if (EventJson.containsNul(tree)) {
            throw new PoisonRecordException("contains a NUL character, which PostgreSQL cannot store", null);
        }
        try {
            if (decision) {
                DecisionRecord d = EventJson.MAPPER.treeToValue(tree, DecisionRecord.class);
                storable(d.validFrom());
                return new StreamItem(record, d, null);
            }
            ConflictRecord c = EventJson.MAPPER.treeToValue(tree, ConflictRecord.class);
            storable(c.detectedAt());
            return new StreamItem(record, null, c);
        } catch (IOException | RuntimeException e) {
            throw new PoisonRecordException("not a whole " + (decision ? "decision" : "conflict") + ": " + e.getMessage(), e);
        }
    }

    private static void storable(Instant instant) throws PoisonRecordException {
        if (!TimeWindow.contains(instant)) {
            throw new PoisonRecordException("timestamp " + instant + " is not " + TimeWindow.describe(), null);
        }
    }
}
