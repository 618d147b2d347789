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
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * {@code kyoyu_consumer_lag_records{group,topic,partition}} of one consume loop, for the partitions it owns: the
 * log end offset minus the next offset stored in PostgreSQL, that is the records not yet stored, including those
 * fetched and waiting in a batch. Kafka's own committed offsets (and so external lag tools) are only a report of
 * that position; this is the position itself.
 *
 * <p>While the loop holds nothing of a partition (no record in the open batch or in flight), the fetch position
 * stands in for the stored offset: they differ then only by records that are not data, the commit markers of
 * transactional producers (the decision stream, the admin endpoints), which would otherwise show as a lag that
 * never goes away. Likewise until a batch of a partition has been stored, when no offset is stored yet.
 *
 * <p>Everything comes from what the consumer already knows from its last fetch (no broker call, never blocks the
 * loop): until a partition's first fetch answered there is no series for it, and while the loop holds a batch
 * (its partitions paused during a database outage) the log end is the one last fetched. Updated at most once a
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

    /**
     * @param stored  the next offset stored in PostgreSQL for a partition, or null
     * @param holding whether the loop holds records of the partition that are not stored yet
     */
    void update(KafkaConsumer<?, ?> consumer, Function<TopicPartition, Long> stored, Predicate<TopicPartition> holding,
                long nowNanos) {
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
            Long next = stored.apply(partition);
            long lag = behindFetch.getAsLong();
            if (next != null && holding.test(partition)) {
                try {
                    lag = Math.max(0, consumer.position(partition, Duration.ZERO) + lag - next);
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
