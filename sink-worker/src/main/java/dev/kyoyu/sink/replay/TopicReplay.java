package dev.kyoyu.sink.replay;

import dev.kyoyu.sink.consume.RecordDecoder;
import dev.kyoyu.sink.copy.BatchWriter;
import dev.kyoyu.sink.copy.PositionedEvent;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-sinks a time range of the events topic, idempotently: rows already stored stay as they are and
 * the missing ones are added. Reads with its own assignment (no consumer group), so the live sink and
 * its offsets are untouched and both can run at once.
 */
public final class TopicReplay {
    private static final Logger LOG = LoggerFactory.getLogger(TopicReplay.class);

    private final String bootstrap;
    private final String topic;
    private final BatchWriter writer;
    private final int batchSize;
    private final RecordDecoder decoder = new RecordDecoder();

    /** What a replay did. */
    public record Result(long read, long stored, long skippedPoison) {
    }

    public TopicReplay(String bootstrap, String topic, BatchWriter writer, int batchSize) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.writer = writer;
        this.batchSize = batchSize;
    }

    /** The start and end offset of the range on each partition that has records in it. */
    public Map<TopicPartition, long[]> plan(ReplayRange range) {
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            return plan(consumer, range);
        }
    }

    /** @param progress told how many records were just processed, for a progress bar */
    public Result run(ReplayRange range, LongConsumer progress) throws SQLException {
        long read = 0;
        long stored = 0;
        long poison = 0;
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            Map<TopicPartition, long[]> plan = plan(consumer, range);
            consumer.assign(plan.keySet());
            plan.forEach((partition, bounds) -> consumer.seek(partition, bounds[0]));
            Map<TopicPartition, long[]> remaining = new HashMap<>(plan);
            List<PositionedEvent> batch = new ArrayList<>(batchSize);
            while (!remaining.isEmpty()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    long[] bounds = remaining.get(partition);
                    if (bounds == null || record.offset() >= bounds[1]) {
                        continue;
                    }
                    read++;
                    try {
                        batch.add(decoder.decode(record));
                    } catch (RecordDecoder.PoisonRecordException e) {
                        // The live sink dead-lettered it when it first met it; a replay does not do it twice.
                        poison++;
                    }
                    if (batch.size() >= batchSize) {
                        stored += writer.replay(batch);
                        progress.accept(batch.size());
                        batch.clear();
                    }
                }
                // By position, not by the last record seen: transaction markers occupy offsets too.
                remaining.entrySet().removeIf(entry -> {
                    boolean done = consumer.position(entry.getKey()) >= entry.getValue()[1];
                    if (done) {
                        consumer.pause(List.of(entry.getKey()));
                    }
                    return done;
                });
            }
            if (!batch.isEmpty()) {
                stored += writer.replay(batch);
                progress.accept(batch.size());
            }
        }
        progress.accept(0);
        LOG.info("replay of {} {}: read {}, stored {} missing events, skipped {} poison records", topic, range, read, stored, poison);
        return new Result(read, stored, poison);
    }

    private Map<TopicPartition, long[]> plan(KafkaConsumer<String, byte[]> consumer, ReplayRange range) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(times(partitions, range.from().toEpochMilli()), Duration.ofSeconds(30));
        Map<TopicPartition, OffsetAndTimestamp> stops = range.to() == null ? Map.of()
                : consumer.offsetsForTimes(times(partitions, range.to().toEpochMilli()), Duration.ofSeconds(30));
        Map<TopicPartition, long[]> plan = new HashMap<>();
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp start = starts.get(partition);
            if (start == null) {
                continue; // nothing at or after --from
            }
            OffsetAndTimestamp stop = stops.get(partition);
            long end = stop == null ? ends.get(partition) : stop.offset();
            if (end > start.offset()) {
                plan.put(partition, new long[] {start.offset(), end});
            }
        }
        return plan;
    }

    private static Map<TopicPartition, Long> times(List<TopicPartition> partitions, long epochMillis) {
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(p -> query.put(p, epochMillis));
        return query;
    }

    private KafkaConsumer<String, byte[]> consumer() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, batchSize);
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }
}
