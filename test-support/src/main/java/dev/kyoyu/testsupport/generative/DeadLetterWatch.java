package dev.kyoyu.testsupport.generative;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyoyu.schemas.event.EventJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Follows the dead-letter topics (the sink's events DLQ, the decision stream's rejected topic) from
 * their beginning on a thread of its own, and remembers every UUID that appears in a record together
 * with the reason the record carries (a header naming an error or reason, or a {@code reason} field).
 * A dead letter without a reason is remembered with an empty one, which the oracle reports.
 */
public final class DeadLetterWatch implements AutoCloseable {
    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final Map<String, String> reasons = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean closed;
    private volatile long records;

    public DeadLetterWatch(String bootstrap, List<String> topics) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // No group: every partition, including one that appears later, is read from its beginning.
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.thread = Thread.ofPlatform().daemon().name("dead-letter-watch").start(() -> follow(props, topics));
    }

    /** The reason a dead letter naming this id carries ("" if it carries none), or empty if none names it. */
    public Optional<String> reasonFor(String id) {
        return Optional.ofNullable(reasons.get(id.toLowerCase()));
    }

    public long records() {
        return records;
    }

    private void follow(Properties props, List<String> topics) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> assigned = List.of();
            long nextLookup = 0;
            while (!closed) {
                if (System.nanoTime() >= nextLookup) {
                    // Topics the stream creates at startup may not exist yet; partitions may be added.
                    Map<String, List<org.apache.kafka.common.PartitionInfo>> existing = consumer.listTopics(Duration.ofSeconds(5));
                    List<TopicPartition> partitions = topics.stream()
                            .flatMap(t -> existing.getOrDefault(t, List.of()).stream().map(p -> new TopicPartition(t, p.partition())))
                            .toList();
                    if (!partitions.equals(assigned)) {
                        consumer.assign(partitions);
                        assigned = partitions;
                    }
                    nextLookup = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                }
                if (assigned.isEmpty()) {
                    Thread.sleep(200); // nothing to read until the topics exist
                    continue;
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    remember(record);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (!closed) {
                System.err.println("dead-letter watch stopped: " + e);
            }
        }
    }

    private void remember(ConsumerRecord<byte[], byte[]> record) {
        records++;
        String value = record.value() == null ? "" : new String(record.value(), StandardCharsets.UTF_8);
        String reason = reasonOf(record, value);
        Matcher ids = UUID_TEXT.matcher(value + " " + (record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8)));
        while (ids.find()) {
            reasons.merge(ids.group().toLowerCase(), reason, (a, b) -> a.isEmpty() ? b : a);
        }
    }

    private static String reasonOf(ConsumerRecord<byte[], byte[]> record, String value) {
        for (Header header : record.headers()) {
            String name = header.key().toLowerCase();
            if ((name.contains("reason") || name.contains("error.message")) && header.value() != null && header.value().length > 0) {
                return new String(header.value(), StandardCharsets.UTF_8);
            }
        }
        try {
            JsonNode json = EventJson.MAPPER.readTree(value);
            if (json != null && json.path("reason").isTextual()) {
                return json.path("reason").asText() + ": " + json.path("message").asText("");
            }
        } catch (java.io.IOException e) {
            // not JSON: no reason in the value
        }
        return "";
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        thread.join(Duration.ofSeconds(10));
    }
}
