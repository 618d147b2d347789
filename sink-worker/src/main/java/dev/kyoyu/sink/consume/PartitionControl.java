package dev.kyoyu.sink.consume;

import dev.kyoyu.sink.offsets.OffsetStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What both sink loops (events, and decisions and conflicts) do with their consumer around a stored batch. */
public final class PartitionControl {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionControl.class);

    private PartitionControl() {
    }

    /**
     * Kafka's committed offsets are not the source of truth (PostgreSQL is); they are committed after the
     * database commit only so that standard lag tooling shows how far behind the sink is.
     */
    public static void commitForLagReporting(KafkaConsumer<?, ?> consumer, Map<TopicPartition, OffsetStore.Advance> advances) {
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        advances.forEach((partition, advance) -> {
            if (consumer.assignment().contains(partition)) {
                commit.put(partition, new OffsetAndMetadata(advance.next()));
            }
        });
        if (!commit.isEmpty()) {
            consumer.commitAsync(commit, (result, error) -> {
                if (error != null) {
                    LOG.debug("lag-reporting commit failed (harmless): {}", error.toString());
                }
            });
        }
    }

    /** Fetches again from every owned partition except those still waiting to be positioned at their stored offset. */
    public static void resumeExcept(KafkaConsumer<?, ?> consumer, Collection<TopicPartition> awaitingSeek) {
        List<TopicPartition> ready = new ArrayList<>(consumer.assignment());
        ready.removeAll(awaitingSeek);
        consumer.resume(ready);
    }
}
