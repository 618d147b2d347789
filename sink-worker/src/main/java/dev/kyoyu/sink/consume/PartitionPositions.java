package dev.kyoyu.sink.consume;

import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Where each partition {@link ConsumeShell} owns stands in PostgreSQL (the next offset stored there; absent when
 * none is stored yet), and which partitions still wait to be positioned at it. Used by the consume thread only.
 */
final class PartitionPositions {
    private final Map<TopicPartition, Long> stored = new HashMap<>();
    private final Set<TopicPartition> awaitingSeek = new HashSet<>();

    /** The next offset PostgreSQL holds for the partition, or null. */
    Long stored(TopicPartition partition) {
        return stored.get(partition);
    }

    void stored(TopicPartition partition, long next) {
        stored.put(partition, next);
    }

    Set<TopicPartition> awaitingSeek() {
        return awaitingSeek;
    }

    boolean allPositioned() {
        return awaitingSeek.isEmpty();
    }

    void awaitSeek(Collection<TopicPartition> partitions) {
        awaitingSeek.addAll(partitions);
    }

    /**
     * Seeks every waiting partition to its stored offset, or to the beginning when none is stored; returns how
     * many it positioned. Throws, positioning none, when PostgreSQL cannot say.
     */
    int seekWaiting(KafkaConsumer<String, byte[]> consumer, RecordFamily<?> family) throws SQLException {
        Map<TopicPartition, Long> storedOffsets = family.storedOffsets(awaitingSeek);
        for (TopicPartition partition : awaitingSeek) {
            Long next = storedOffsets.get(partition);
            if (next != null) {
                consumer.seek(partition, next);
                stored.put(partition, next);
            } else {
                consumer.seekToBeginning(List.of(partition));
                stored.remove(partition);
            }
        }
        int positioned = awaitingSeek.size();
        awaitingSeek.clear();
        return positioned;
    }

    void forget(Collection<TopicPartition> partitions) {
        stored.keySet().removeAll(partitions);
        awaitingSeek.removeAll(partitions);
    }
}
