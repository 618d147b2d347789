package dev.kyoyu.query.live;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one Kafka consumer of a query-api process that feeds every SSE subscriber, straight from the decisions
 * and conflicts topics, so any replica can serve any subscriber. No consumer group: it assigns itself every
 * partition and starts at the end (partitions that appear later are read from their beginning, since all of
 * their records are new). Each record is offered to each subscriber without waiting; see {@link Subscriber}.
 *
 * <p>{@code dispatched} holds, per partition, the offset of the next record to hand out. A subscriber that
 * registers gets exactly the records from there on, which is what lets a resume read the gap before it from
 * Kafka ({@link CatchUp}) with neither a hole nor a duplicate at the seam.
 */
public final class LiveFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LiveFeed.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration METADATA_REFRESH = Duration.ofSeconds(10);

    private final String bootstrap;
    private final Map<String, FeedPosition.Role> roles = new HashMap<>();
    private final Map<FeedPosition.Role, String> topics = new HashMap<>();
    private final Object lock = new Object();
    private final Set<Subscriber> subscribers = new HashSet<>();
    private final Map<FeedPosition.Key, Long> dispatched = new HashMap<>();
    private final Thread thread;
    private final Counter malformed;
    private final Counter slowDisconnects;
    private volatile boolean running = true;
    private volatile boolean connected;
    private volatile KafkaConsumer<byte[], byte[]> consumer;

    public LiveFeed(String bootstrap, String decisionsTopic, String conflictsTopic, MeterRegistry registry) {
        this.bootstrap = bootstrap;
        roles.put(decisionsTopic, FeedPosition.Role.DECISIONS);
        roles.put(conflictsTopic, FeedPosition.Role.CONFLICTS);
        topics.put(FeedPosition.Role.DECISIONS, decisionsTopic);
        topics.put(FeedPosition.Role.CONFLICTS, conflictsTopic);
        this.malformed = Counter.builder("kyoyu.subscribe.malformed.records")
                .description("records of the decisions/conflicts topics that could not be parsed and were skipped").register(registry);
        this.slowDisconnects = Counter.builder("kyoyu.subscribe.disconnects").tag("reason", "slow_consumer").register(registry);
        Gauge.builder("kyoyu.subscribers", this, LiveFeed::subscriberCount).description("open SSE subscriptions").register(registry);
        this.thread = Thread.ofPlatform().name("live-feed").daemon().unstarted(this::run);
    }

    public LiveFeed start() {
        thread.start();
        return this;
    }

    /** The topic behind a role, for catch-up reads. */
    public String topic(FeedPosition.Role role) {
        return topics.get(role);
    }

    public String bootstrap() {
        return bootstrap;
    }

    /** Whether the feed currently reaches the broker; reported on /health (subscriptions only). */
    public boolean connected() {
        return connected;
    }

    public int subscriberCount() {
        synchronized (lock) {
            return subscribers.size();
        }
    }

    /** Adds a subscriber; it receives every record at or after the returned positions (a snapshot). */
    public Map<FeedPosition.Key, Long> register(Subscriber subscriber) {
        synchronized (lock) {
            subscribers.add(subscriber);
            return Map.copyOf(dispatched);
        }
    }

    public void unregister(Subscriber subscriber) {
        synchronized (lock) {
            subscribers.remove(subscriber);
        }
    }

    private void run() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Reading must never create the topics (their partition count is the stream's decision).
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "query-api-live-feed");
        try (KafkaConsumer<byte[], byte[]> kafka = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer = kafka;
            Set<TopicPartition> assigned = new HashSet<>();
            boolean lookedOnce = false;
            long refreshedAt = System.nanoTime() - METADATA_REFRESH.toNanos() - 1;
            while (running) {
                try {
                    if (System.nanoTime() - refreshedAt > METADATA_REFRESH.toNanos()) {
                        refreshAssignment(kafka, assigned, lookedOnce);
                        lookedOnce = true;
                        refreshedAt = System.nanoTime();
                    }
                    if (assigned.isEmpty()) {
                        sleep(POLL);
                        continue;
                    }
                    dispatch(kafka.poll(POLL));
                    connected = true;
                } catch (WakeupException e) {
                    // close() woke us up; the loop condition ends it
                } catch (org.apache.kafka.common.KafkaException e) {
                    connected = false;
                    LOG.warn("live feed cannot read from Kafka, retrying: {}", e.toString());
                    sleep(Duration.ofSeconds(1));
                }
            }
        } catch (RuntimeException e) {
            LOG.error("live feed stopped", e);
        } finally {
            connected = false;
        }
    }

    /**
     * Assigns every partition of both topics. Partitions there at the first successful look start at their end;
     * partitions found later (a topic created after this process started, or grown) start at their beginning.
     */
    private void refreshAssignment(KafkaConsumer<byte[], byte[]> kafka, Set<TopicPartition> assigned, boolean lookedBefore) {
        List<TopicPartition> all = new ArrayList<>();
        for (String topic : roles.keySet()) {
            List<PartitionInfo> infos = kafka.partitionsFor(topic, Duration.ofSeconds(5));
            if (infos != null) {
                infos.forEach(info -> all.add(new TopicPartition(info.topic(), info.partition())));
            }
        }
        connected = true;
        List<TopicPartition> added = all.stream().filter(tp -> !assigned.contains(tp)).toList();
        if (added.isEmpty()) {
            return;
        }
        kafka.assign(all);
        if (lookedBefore) {
            kafka.seekToBeginning(added);
        } else {
            kafka.seekToEnd(added);
        }
        synchronized (lock) {
            for (TopicPartition tp : added) {
                dispatched.put(key(tp), kafka.position(tp));
            }
        }
        assigned.addAll(added);
        LOG.info("live feed reads {} partitions ({} new, from their {})", all.size(), added.size(), lookedBefore ? "beginning" : "end");
    }

    private void dispatch(ConsumerRecords<byte[], byte[]> records) {
        if (records.isEmpty()) {
            return;
        }
        synchronized (lock) {
            for (ConsumerRecord<byte[], byte[]> record : records) {
                FeedPosition.Key key = key(new TopicPartition(record.topic(), record.partition()));
                dispatched.put(key, record.offset() + 1);
                FeedEvent event = FeedEvent.parse(key, record.offset(), record.value());
                if (event == null) {
                    malformed.increment();
                    continue;
                }
                subscribers.removeIf(subscriber -> {
                    boolean keeps = subscriber.offer(event);
                    if (!keeps && subscriber.ending() == Subscriber.Ending.SLOW_CONSUMER) {
                        slowDisconnects.increment();
                    }
                    return !keeps;
                });
            }
        }
    }

    private FeedPosition.Key key(TopicPartition tp) {
        return new FeedPosition.Key(roles.get(tp.topic()), tp.partition());
    }

    private void sleep(Duration pause) {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** Stops the consumer and ends every subscription (each writer sends its last event). */
    @Override
    public void close() throws InterruptedException {
        running = false;
        KafkaConsumer<byte[], byte[]> kafka = consumer;
        if (kafka != null) {
            kafka.wakeup();
        }
        thread.join(Duration.ofSeconds(10));
        synchronized (lock) {
            subscribers.forEach(s -> s.end(Subscriber.Ending.SERVER_STOPPING));
            subscribers.clear();
        }
    }
}
