package dev.kyoyu.sink.identities;

import dev.kyoyu.schemas.identity.IdentityRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** One record of the identity topic, decoded, with where it was read (for offsets and dead letters). */
public record IdentityItem(ConsumerRecord<String, byte[]> source, IdentityRecord identity) {
}
