package dev.kyoyu.query.live;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A resumed subscription's replay: the records between where the client stood (its Last-Event-ID) and where
 * the live feed picked it up, read by a short-lived consumer of its own. Bounded: at most {@code lookback}
 * records per partition, and never before what the broker still retains; anything older is reported as a gap.
 */
final class CatchUp implements AutoCloseable {
    /** Records of a partition the client will not get: it asked for {@code requested}, replay starts at {@code resumedAt}. */
    record Gap(FeedPosition.Key key, long requested, long resumedAt) {
    }

    /** Receives each replayed record (matching or not: positions advance either way). */
    @FunctionalInterface
    interface Replayed {
        void accept(FeedPosition.Key key, long offset, byte[] value);
    }

    private final LiveFeed feed;
    private final Map<FeedPosition.Key, Long> from = new HashMap<>();
    private final Map<FeedPosition.Key, Long> until = new HashMap<>();
    private final List<Gap> gaps = new ArrayList<>();
    private KafkaConsumer<byte[], byte[]> consumer;

    /**
     * @param resume     the client's positions
     * @param dispatched where the live feed took over for this subscriber
     */
    CatchUp(LiveFeed feed, Map<FeedPosition.Key, Long> resume, Map<FeedPosition.Key, Long> dispatched, int lookback) {
        this.feed = feed;
        Map<TopicPartition, FeedPosition.Key> behind = new HashMap<>();
        for (Map.Entry<FeedPosition.Key, Long> entry : dispatched.entrySet()) {
            Long requested = resume.get(entry.getKey());
            if (requested != null && requested < entry.getValue()) {
                behind.put(partition(entry.getKey()), entry.getKey());
            }
        }
        if (behind.isEmpty()) {
            return;
        }
        consumer = newConsumer();
        Map<TopicPartition, Long> retained = consumer.beginningOffsets(behind.keySet(), Duration.ofSeconds(10));
        for (Map.Entry<TopicPartition, FeedPosition.Key> entry : behind.entrySet()) {
            FeedPosition.Key key = entry.getValue();
            long requested = resume.get(key);
            long end = dispatched.get(key);
            long start = Math.max(requested, Math.max(end - lookback, retained.getOrDefault(entry.getKey(), 0L)));
            if (start > requested) {
                gaps.add(new Gap(key, requested, start));
            }
            if (start < end) {
                from.put(key, start);
                until.put(key, end);
            }
        }
    }

    List<Gap> gaps() {
        return gaps;
    }

    /** Where each replayed partition starts; the subscriber's position there until a record moves it on. */
    Map<FeedPosition.Key, Long> starts() {
        return from;
    }

    /** Reads every partition from its start up to where the live feed took over, or until the deadline. */
    void replay(Duration deadline, Replayed replayed) {
        if (from.isEmpty()) {
            return;
        }
        Map<TopicPartition, FeedPosition.Key> partitions = new HashMap<>();
        from.keySet().forEach(key -> partitions.put(partition(key), key));
        consumer.assign(partitions.keySet());
        partitions.forEach((tp, key) -> consumer.seek(tp, from.get(key)));
        Map<FeedPosition.Key, Long> remaining = new HashMap<>(until);
        long end = System.nanoTime() + deadline.toNanos();
        while (!remaining.isEmpty() && System.nanoTime() < end) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                FeedPosition.Key key = partitions.get(new TopicPartition(record.topic(), record.partition()));
                Long stop = remaining.get(key);
                if (stop != null && record.offset() < stop) {
                    replayed.accept(key, record.offset(), record.value());
                }
            }
            // Transaction markers and compaction leave offsets without records: position, not the last record, says when a partition is done.
            for (Map.Entry<TopicPartition, FeedPosition.Key> entry : partitions.entrySet()) {
                Long stop = remaining.get(entry.getValue());
                if (stop != null && consumer.position(entry.getKey()) >= stop) {
                    remaining.remove(entry.getValue());
                    consumer.pause(List.of(entry.getKey()));
                }
            }
        }
        for (Map.Entry<TopicPartition, FeedPosition.Key> entry : partitions.entrySet()) {
            Long stop = remaining.get(entry.getValue());
            if (stop != null) {
                gaps.add(new Gap(entry.getValue(), consumer.position(entry.getKey()), stop));
            }
        }
    }

    private TopicPartition partition(FeedPosition.Key key) {
        return new TopicPartition(feed.topic(key.role()), key.partition());
    }

    private KafkaConsumer<byte[], byte[]> newConsumer() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, feed.bootstrap());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "query-api-catch-up");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public void close() {
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(1));
        }
    }
}
