package dev.kyoyu.sink.consume;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * {@code kyoyu_consumer_lag_records{group,topic,partition}} of one consume loop, for the partitions it owns: the
 * log end offset minus the next offset stored in PostgreSQL, that is the records not yet stored, including those
 * fetched and waiting in a batch. Kafka's own committed offsets (and so external lag tools) are only a report of
 * that position; this is the position itself.
 *
 * <p>Everything comes from what the consumer already knows from its last fetch (no broker call, never blocks the
 * loop): until a partition's first fetch answered there is no series for it, and while the loop holds a batch
 * (its partitions paused during a database outage) the log end is the one last fetched. Until a batch of a
 * partition has been stored there is no stored offset; its fetch position stands in. Updated at most once a
 * second, on the consume thread; a partition the loop gives up loses its series (another worker reports it).
 */
final class ConsumerLag {
    private static final long EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private record Series(AtomicLong records, Gauge gauge) {
    }

    private final MeterRegistry registry;
    private final Map<TopicPartition, Series> series = new HashMap<>();
    private long updatedAtNanos;

    ConsumerLag(MeterRegistry registry) {
        this.registry = registry;
    }

    void update(KafkaConsumer<?, ?> consumer, PartitionPositions positions, long nowNanos) {
        if (nowNanos - updatedAtNanos < EVERY_NANOS) {
            return;
        }
        updatedAtNanos = nowNanos;
        String group = consumer.groupMetadata().groupId();
        for (TopicPartition partition : consumer.assignment()) {
            OptionalLong behindFetch = consumer.currentLag(partition);
            if (behindFetch.isEmpty()) {
                continue;
            }
            Long stored = positions.stored(partition);
            long lag = behindFetch.getAsLong();
            if (stored != null) {
                try {
                    lag = Math.max(0, consumer.position(partition, Duration.ZERO) + lag - stored);
                } catch (TimeoutException e) {
                    continue; // the position is being validated: next time
                }
            }
            series.computeIfAbsent(partition, p -> register(group, p)).records().set(lag);
        }
    }

    private Series register(String group, TopicPartition partition) {
        AtomicLong records = new AtomicLong();
        Gauge gauge = Gauge.builder("kyoyu.consumer.lag.records", records, AtomicLong::get)
                .tag("group", group).tag("topic", partition.topic()).tag("partition", Integer.toString(partition.partition()))
                .description("records of the partition not yet stored in PostgreSQL (log end offset - stored next offset)")
                .register(registry);
        return new Series(records, gauge);
    }

    void forget(Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            Series gone = series.remove(partition);
            if (gone != null) {
                registry.remove(gone.gauge());
            }
        }
    }

    void forgetAll() {
        forget(List.copyOf(series.keySet()));
    }
}
