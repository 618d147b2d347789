package dev.kyoyu.sink.decisions;

import dev.kyoyu.schemas.decision.ConflictRecord;
import dev.kyoyu.schemas.decision.DecisionRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One record of the decisions or conflicts topic, decoded: exactly one of {@code decision} and {@code conflict}
 * is set. The raw record is kept so that a row PostgreSQL refuses can be dead-lettered as it arrived.
 */
public record StreamItem(ConsumerRecord<String, byte[]> record, DecisionRecord decision, ConflictRecord conflict) {
}
