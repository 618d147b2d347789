package dev.kyoyu.sink.decisions;

import dev.kyoyu.sink.SinkConfig;
import dev.kyoyu.sink.batch.BatchBuffer;
import dev.kyoyu.sink.consume.Backoff;
import dev.kyoyu.sink.consume.DeadLetterPublisher;
import dev.kyoyu.sink.consume.PartitionControl;
import dev.kyoyu.sink.consume.SinkWorker.WorkerHealth;
import dev.kyoyu.sink.copy.BatchWriter;
import dev.kyoyu.sink.offsets.OffsetStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores what the decision stream publishes, with the events sink's discipline: micro-batches written in one
 * transaction with their offsets in {@code sink_offsets}, a seek to those offsets on every assignment, poison
 * records dead-lettered, and while PostgreSQL is down the batch is held, fetching paused and the write retried
 * with backoff. Its own consumer group and thread, so a slow decision write never holds up the events.
 */
public final class DecisionSinkWorker implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(DecisionSinkWorker.class);
    private static final long MAX_POLL_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<String> topics;
    private final StreamItemDecoder decoder;
    private final StreamItemWriter writer;
    private final DeadLetterPublisher deadLetters;
    private final Backoff backoff;
    private final BatchBuffer<StreamItem> buffer;
    private final long maxAgeNanos;

    /** Next offset per partition, covering everything buffered or dead-lettered since the last commit. */
    private final Map<TopicPartition, Long> pendingOffsets = new HashMap<>();
    /** The offset this worker last stored (or found stored) per partition: a batch moves it only from there. */
    private final Map<TopicPartition, Long> stored = new HashMap<>();
    private final Set<TopicPartition> awaitingSeek = new HashSet<>();
    private long pendingSince = -1;
    private long retryAtNanos;
    private volatile boolean running = true;
    private volatile WorkerHealth health = WorkerHealth.starting();

    private final Counter decisionsStored;
    private final Counter conflictsStored;
    private final Counter deadLettered;
    private final Counter writeErrors;

    public DecisionSinkWorker(SinkConfig config, KafkaConsumer<String, byte[]> consumer, DataSource dataSource,
                              DeadLetterPublisher deadLetters, Backoff backoff, MeterRegistry registry) {
        this.consumer = consumer;
        this.topics = List.of(config.decisionsTopic(), config.conflictsTopic());
        this.decoder = new StreamItemDecoder(config.decisionsTopic());
        this.writer = new StreamItemWriter(dataSource);
        this.deadLetters = deadLetters;
        this.backoff = backoff;
        this.maxAgeNanos = config.batchMaxAge().toNanos();
        this.buffer = new BatchBuffer<>(config.batchMaxEvents(), maxAgeNanos);
        this.decisionsStored = Counter.builder("kyoyu.decisions.stored").register(registry);
        this.conflictsStored = Counter.builder("kyoyu.conflicts.stored").register(registry);
        this.deadLettered = Counter.builder("kyoyu.decisions.dead.lettered").register(registry);
        this.writeErrors = Counter.builder("kyoyu.decisions.write.errors").register(registry);
    }

    public WorkerHealth health() {
        return health;
    }

    /** Ask the loop to stop; it writes what it holds, leaves the group and returns. */
    public void stop() {
        running = false;
        consumer.wakeup();
    }

    @Override
    public void run() {
        try {
            if (!awaitTopics()) {
                return;
            }
            consumer.subscribe(topics, new Rebalance());
            while (running) {
                step();
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } finally {
            drainOnShutdown();
            consumer.close(Duration.ofSeconds(10));
        }
    }

    /**
     * The decision stream creates its topics when it first starts, possibly after this worker. A consumer that
     * subscribes to a topic before it exists only notices it at its next full metadata refresh (minutes), so
     * wait for them first, reporting why on /health. Returns false when stopped while waiting.
     */
    private boolean awaitTopics() {
        boolean logged = false;
        while (running) {
            try {
                if (consumer.listTopics(Duration.ofSeconds(10)).keySet().containsAll(topics)) {
                    return true;
                }
            } catch (TimeoutException e) {
                LOG.debug("cannot list topics yet: {}", e.toString());
            }
            health = new WorkerHealth(WorkerHealth.State.STARTING, health.since(), "waiting for topics " + topics + " (the decision stream creates them)");
            if (!logged) {
                LOG.info("waiting for topics {} to exist; the decision stream creates them when it starts", topics);
                logged = true;
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private void step() {
        long now = System.nanoTime();
        if (!awaitingSeek.isEmpty() && now >= retryAtNanos) {
            seekToStoredOffsets();
        }
        long wait = Math.min(MAX_POLL_WAIT_NANOS, buffer.nanosUntilDue(now));
        if (now < retryAtNanos) {
            wait = Math.min(wait, retryAtNanos - now);
        }
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofNanos(Math.max(wait, 1_000_000)))) {
            accept(record);
        }
        if (health.state() == WorkerHealth.State.STARTING && awaitingSeek.isEmpty()) {
            health = WorkerHealth.healthy();
        }
        if (buffer.isFull()) {
            consumer.pause(consumer.assignment());
        }
        now = System.nanoTime();
        boolean due = buffer.isDue(now) || (pendingSince >= 0 && now - pendingSince >= maxAgeNanos);
        if (due && now >= retryAtNanos) {
            flush();
        }
    }

    private void accept(ConsumerRecord<String, byte[]> record) {
        try {
            buffer.add(decoder.decode(record), System.nanoTime());
        } catch (StreamItemDecoder.PoisonRecordException e) {
            try {
                deadLetters.send(record, e);
            } catch (DeadLetterPublisher.DeadLetterException failure) {
                LOG.warn("dead-letter topic unavailable; re-reading from the stored offsets", failure);
                rewindToStoredOffsets();
                return;
            }
            deadLettered.increment();
            LOG.warn("dead-lettered {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
        }
        pendingOffsets.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
        if (pendingSince < 0) {
            pendingSince = System.nanoTime();
        }
    }

    private void flush() {
        List<StreamItem> batch = buffer.items();
        Map<TopicPartition, OffsetStore.Advance> offsets = advances();
        try {
            writer.write(batch, offsets);
        } catch (OffsetStore.OffsetsMovedException moved) {
            LOG.warn("{}; re-reading from the stored offsets", moved.getMessage());
            rewindToStoredOffsets();
            return;
        } catch (SQLException e) {
            if (!BatchWriter.isRowError(e)) {
                holdForRetry(batch, e);
                return;
            }
            LOG.warn("PostgreSQL refused a row of a batch of {} ({}); writing record by record to dead-letter the culprit",
                    batch.size(), e.getMessage());
            try {
                writer.writeIsolating(batch, offsets, this::deadLetterRefused);
            } catch (OffsetStore.OffsetsMovedException moved) {
                LOG.warn("{}; re-reading from the stored offsets", moved.getMessage());
                rewindToStoredOffsets();
                return;
            } catch (SQLException | RuntimeException isolationFailure) {
                holdForRetry(batch, isolationFailure);
                return;
            }
        } catch (RuntimeException e) {
            holdForRetry(batch, e);
            return;
        }
        written(batch, offsets);
    }

    private Map<TopicPartition, OffsetStore.Advance> advances() {
        Map<TopicPartition, OffsetStore.Advance> advances = new HashMap<>();
        pendingOffsets.forEach((partition, next) -> advances.put(partition, new OffsetStore.Advance(stored.get(partition), next)));
        return advances;
    }

    private void deadLetterRefused(StreamItem item, SQLException reason) {
        deadLetters.send(item.record(), reason);
        deadLettered.increment();
        LOG.warn("dead-lettered {}-{}@{}: PostgreSQL refused it: {}", item.record().topic(), item.record().partition(),
                item.record().offset(), reason.getMessage());
    }

    private void written(List<StreamItem> batch, Map<TopicPartition, OffsetStore.Advance> offsets) {
        offsets.forEach((partition, advance) -> stored.put(partition, advance.next()));
        decisionsStored.increment(batch.stream().filter(i -> i.decision() != null).count());
        conflictsStored.increment(batch.stream().filter(i -> i.conflict() != null).count());
        buffer.clear();
        pendingOffsets.clear();
        pendingSince = -1;
        if (backoff.attempts() > 0) {
            LOG.info("database reachable again; wrote the held batch of {} decisions and conflicts", batch.size());
        }
        backoff.reset();
        health = WorkerHealth.healthy();
        retryAtNanos = 0;
        PartitionControl.commitForLagReporting(consumer, offsets);
        resumeReadyPartitions();
    }

    private void holdForRetry(List<StreamItem> batch, Exception e) {
        writeErrors.increment();
        Duration delay = backoff.next();
        retryAtNanos = System.nanoTime() + delay.toNanos();
        health = WorkerHealth.unhealthy(health, "cannot write decisions to PostgreSQL: " + e.getMessage());
        consumer.pause(consumer.assignment());
        LOG.warn("batch of {} decisions and conflicts not written (attempt {}); holding it and retrying in {} ms: {}",
                batch.size(), backoff.attempts(), delay.toMillis(), e.toString());
    }


    private void seekToStoredOffsets() {
        try {
            Map<TopicPartition, Long> found = writer.storedOffsets(awaitingSeek);
            for (TopicPartition partition : awaitingSeek) {
                Long next = found.get(partition);
                stored.put(partition, next);
                if (next != null) {
                    consumer.seek(partition, next);
                } else {
                    consumer.seekToBeginning(List.of(partition));
                }
            }
            LOG.info("positioned {} decision/conflict partitions at their stored offsets", awaitingSeek.size());
            awaitingSeek.clear();
            resumeReadyPartitions();
        } catch (SQLException | RuntimeException e) {
            Duration delay = backoff.next();
            retryAtNanos = System.nanoTime() + delay.toNanos();
            health = WorkerHealth.unhealthy(health, "cannot read stored offsets from PostgreSQL: " + e.getMessage());
            LOG.warn("cannot read stored decision offsets (attempt {}); retrying in {} ms: {}", backoff.attempts(), delay.toMillis(), e.toString());
        }
    }

    private void rewindToStoredOffsets() {
        buffer.clear();
        pendingOffsets.clear();
        pendingSince = -1;
        awaitingSeek.addAll(consumer.assignment());
        consumer.pause(consumer.assignment());
        retryAtNanos = System.nanoTime() + backoff.next().toNanos();
    }

    private void resumeReadyPartitions() {
        if (buffer.isFull()) {
            return;
        }
        PartitionControl.resumeExcept(consumer, awaitingSeek);
    }

    private void drainOnShutdown() {
        if (buffer.size() == 0 && pendingOffsets.isEmpty()) {
            return;
        }
        try {
            writer.write(buffer.items(), advances());
            LOG.info("wrote the last {} buffered decisions and conflicts before leaving the group", buffer.size());
        } catch (SQLException | RuntimeException e) {
            // Nothing is lost: the offsets were not stored either, so the next owner reads these again.
            LOG.warn("could not write the last {} buffered decisions and conflicts on shutdown; they will be read again", buffer.size(), e);
        }
        buffer.clear();
        pendingOffsets.clear();
    }

    /** Runs inside poll(), on this thread. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            awaitingSeek.addAll(partitions);
            consumer.pause(partitions);
            seekToStoredOffsets();
        }

        /** Records of partitions no longer ours are dropped unwritten: their offsets were not stored either. */
        private void forget(Collection<TopicPartition> partitions) {
            buffer.removeIf(item -> partitions.contains(new TopicPartition(item.record().topic(), item.record().partition())));
            pendingOffsets.keySet().removeAll(partitions);
            stored.keySet().removeAll(partitions);
            awaitingSeek.removeAll(partitions);
            if (buffer.size() == 0 && pendingOffsets.isEmpty()) {
                pendingSince = -1;
            }
        }
    }
}
