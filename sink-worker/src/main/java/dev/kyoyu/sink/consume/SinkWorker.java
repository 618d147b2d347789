package dev.kyoyu.sink.consume;

import dev.kyoyu.sink.SinkConfig;
import dev.kyoyu.sink.batch.BatchBuffer;
import dev.kyoyu.sink.copy.BatchWriter;
import dev.kyoyu.sink.copy.PositionedEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consume loop: poll, decode, buffer, and write each due micro-batch with its offsets in one
 * transaction. PostgreSQL is the only record of progress: on assignment the worker seeks to the
 * offsets stored there, so crashes, rebalances and restored backups neither skip nor double an event.
 *
 * <p>Failure table: a record that can never be stored goes to the dead-letter topic and the batch goes
 * on; a database failure keeps the batch, pauses fetching and retries with backoff (the process stays
 * up and reports unhealthy); a dead-letter failure drops in-memory state and re-reads from the stored
 * offsets. Runs on its own thread; every Kafka call stays on it.
 */
public final class SinkWorker implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(SinkWorker.class);
    private static final long MAX_POLL_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final BatchWriter writer;
    private final DeadLetterPublisher deadLetters;
    private final RecordDecoder decoder = new RecordDecoder();
    private final BatchBuffer<PositionedEvent> buffer;
    private final long maxAgeNanos;
    private final Backoff backoff;

    /** Next offset per partition, covering everything buffered or dead-lettered since the last commit. */
    private final Map<TopicPartition, Long> pendingOffsets = new HashMap<>();
    private final Set<TopicPartition> awaitingSeek = new HashSet<>();
    private long pendingSince = -1;
    private long retryAtNanos;
    private volatile boolean running = true;
    private volatile WorkerHealth health = WorkerHealth.starting();

    private final BatchTracing tracing;
    private final Counter stored;
    private final Counter deadLettered;
    private final Counter copyErrors;
    private final DistributionSummary batchSizes;
    private final Timer flushDurations;

    public SinkWorker(SinkConfig config, KafkaConsumer<String, byte[]> consumer, BatchWriter writer,
                      DeadLetterPublisher deadLetters, Backoff backoff, MeterRegistry registry, BatchTracing tracing) {
        this.tracing = tracing;
        this.consumer = consumer;
        this.topic = config.eventsTopic();
        this.writer = writer;
        this.deadLetters = deadLetters;
        this.backoff = backoff;
        this.maxAgeNanos = config.batchMaxAge().toNanos();
        this.buffer = new BatchBuffer<>(config.batchMaxEvents(), maxAgeNanos);
        this.stored = Counter.builder("kyoyu.events.stored").register(registry);
        this.deadLettered = Counter.builder("kyoyu.events.dead.lettered").register(registry);
        this.copyErrors = Counter.builder("kyoyu.copy.errors").register(registry);
        this.batchSizes = DistributionSummary.builder("kyoyu.events.batch.size").register(registry);
        this.flushDurations = Timer.builder("kyoyu.events.batch.flush.duration").publishPercentileHistogram().register(registry);
        Gauge.builder("kyoyu.events.buffer.size", buffer, BatchBuffer::size).register(registry);
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
        consumer.subscribe(List.of(topic), new Rebalance());
        try {
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
            // Bounded memory: stop fetching until this batch is written.
            consumer.pause(consumer.assignment());
        }
        now = System.nanoTime();
        boolean due = buffer.isDue(now) || (pendingSince >= 0 && now - pendingSince >= maxAgeNanos);
        if (due && now >= retryAtNanos) {
            flush();
        }
    }

    private void accept(ConsumerRecord<String, byte[]> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        long now = System.nanoTime();
        tracing.link(record);
        try {
            buffer.add(decoder.decode(record), now);
        } catch (RecordDecoder.PoisonRecordException e) {
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
        pendingOffsets.put(partition, record.offset() + 1);
        if (pendingSince < 0) {
            pendingSince = now;
        }
    }

    private void flush() {
        List<PositionedEvent> batch = buffer.items();
        Map<TopicPartition, Long> offsets = Map.copyOf(pendingOffsets);
        long started = System.nanoTime();
        try (BatchTracing.BatchSpan span = tracing.start(batch.size())) {
            flush(batch, offsets, started, span);
        }
    }

    private void flush(List<PositionedEvent> batch, Map<TopicPartition, Long> offsets, long started, BatchTracing.BatchSpan span) {
        try {
            written(batch, offsets, writer.write(batch, offsets), started);
        } catch (SQLException e) {
            if (!BatchWriter.isRowError(e)) {
                span.failed(e);
                holdForRetry(batch, e);
                return;
            }
            LOG.warn("PostgreSQL refused a row of a batch of {} ({}); writing event by event to dead-letter the culprit",
                    batch.size(), e.getMessage());
            try {
                written(batch, offsets, writer.writeIsolating(batch, offsets, this::deadLetterRefused), started);
            } catch (SQLException | RuntimeException isolationFailure) {
                span.failed(isolationFailure);
                holdForRetry(batch, isolationFailure);
            }
        } catch (RuntimeException e) {
            span.failed(e);
            holdForRetry(batch, e);
        }
    }

    private void deadLetterRefused(PositionedEvent event, SQLException reason) {
        deadLetters.send(topic, event, reason);
        deadLettered.increment();
        LOG.warn("dead-lettered {}-{}@{}: PostgreSQL refused it: {}", topic, event.partition(), event.offset(), reason.getMessage());
    }

    private void written(List<PositionedEvent> batch, Map<TopicPartition, Long> offsets, int stored, long started) {
        flushDurations.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        batchSizes.record(batch.size());
        this.stored.increment(stored);
        buffer.clear();
        pendingOffsets.clear();
        pendingSince = -1;
        tracing.clearLinks();
        if (backoff.attempts() > 0) {
            LOG.info("database reachable again; wrote the held batch of {} events", batch.size());
        }
        backoff.reset();
        health = WorkerHealth.healthy();
        retryAtNanos = 0;
        commitToKafkaForLagReporting(offsets);
        resumeReadyPartitions();
    }

    /** The database is unreachable or failing: keep the batch, stop fetching, try again after a backoff. */
    private void holdForRetry(List<PositionedEvent> batch, Exception e) {
        copyErrors.increment();
        Duration delay = backoff.next();
        retryAtNanos = System.nanoTime() + delay.toNanos();
        health = WorkerHealth.unhealthy(health, "cannot write to PostgreSQL: " + e.getMessage());
        consumer.pause(consumer.assignment());
        LOG.warn("batch of {} events not written (attempt {}); holding it and retrying in {} ms: {}",
                batch.size(), backoff.attempts(), delay.toMillis(), e.toString());
    }

    /**
     * Kafka's committed offsets are not the source of truth (PostgreSQL is); they are committed after the
     * database commit only so that standard lag tooling shows how far behind the sink is.
     */
    private void commitToKafkaForLagReporting(Map<TopicPartition, Long> offsets) {
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        offsets.forEach((partition, next) -> {
            if (consumer.assignment().contains(partition)) {
                commit.put(partition, new OffsetAndMetadata(next));
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

    private void seekToStoredOffsets() {
        try {
            Map<TopicPartition, Long> storedOffsets = writer.storedOffsets(awaitingSeek);
            for (TopicPartition partition : awaitingSeek) {
                Long next = storedOffsets.get(partition);
                if (next != null) {
                    consumer.seek(partition, next);
                } else {
                    consumer.seekToBeginning(List.of(partition));
                }
            }
            LOG.info("positioned {} partitions at their stored offsets", awaitingSeek.size());
            awaitingSeek.clear();
            resumeReadyPartitions();
        } catch (SQLException | RuntimeException e) {
            Duration delay = backoff.next();
            retryAtNanos = System.nanoTime() + delay.toNanos();
            health = WorkerHealth.unhealthy(health, "cannot read stored offsets from PostgreSQL: " + e.getMessage());
            LOG.warn("cannot read stored offsets (attempt {}); retrying in {} ms: {}", backoff.attempts(), delay.toMillis(), e.toString());
        }
    }

    /** Forget everything not yet committed and read it again from what PostgreSQL says is stored. */
    private void rewindToStoredOffsets() {
        buffer.clear();
        tracing.clearLinks();
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
        List<TopicPartition> ready = new ArrayList<>(consumer.assignment());
        ready.removeAll(awaitingSeek);
        consumer.resume(ready);
    }

    private void drainOnShutdown() {
        if (buffer.size() == 0 && pendingOffsets.isEmpty()) {
            return;
        }
        try {
            writer.write(buffer.items(), Map.copyOf(pendingOffsets));
            LOG.info("wrote the last {} buffered events before leaving the group", buffer.size());
        } catch (SQLException | RuntimeException e) {
            // Nothing is lost: the offsets were not stored either, so the next owner reads these again.
            LOG.warn("could not write the last {} buffered events on shutdown; they will be read again", buffer.size(), e);
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

        /**
         * Records of a partition we no longer own are dropped, not written: their offsets were not stored,
         * so the new owner reads them from PostgreSQL's position and nothing is written twice.
         */
        private void forget(Collection<TopicPartition> partitions) {
            Set<Integer> gone = new HashSet<>();
            partitions.stream().filter(p -> p.topic().equals(topic)).forEach(p -> gone.add(p.partition()));
            buffer.removeIf(e -> gone.contains(e.partition()));
            pendingOffsets.keySet().removeAll(partitions);
            awaitingSeek.removeAll(partitions);
            if (buffer.size() == 0 && pendingOffsets.isEmpty()) {
                pendingSince = -1;
            }
        }
    }

    /** What /health reports: healthy, or since when and why not. */
    public record WorkerHealth(State state, Instant since, String reason) {
        public enum State { STARTING, HEALTHY, UNHEALTHY }

        static WorkerHealth starting() {
            return new WorkerHealth(State.STARTING, Instant.now(), "joining the consumer group");
        }

        static WorkerHealth healthy() {
            return new WorkerHealth(State.HEALTHY, Instant.now(), null);
        }

        static WorkerHealth unhealthy(WorkerHealth previous, String reason) {
            Instant since = previous.state() == State.UNHEALTHY ? previous.since() : Instant.now();
            return new WorkerHealth(State.UNHEALTHY, since, reason);
        }
    }
}
