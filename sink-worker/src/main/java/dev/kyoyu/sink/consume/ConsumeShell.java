package dev.kyoyu.sink.consume;

import dev.kyoyu.service.retry.Backoff;
import dev.kyoyu.sink.SinkConfig;
import dev.kyoyu.sink.batch.PendingBatch;
import dev.kyoyu.sink.consume.InFlightWrites.InFlight;
import dev.kyoyu.sink.copy.EarlierWrites;
import dev.kyoyu.sink.copy.WriteTicket;
import dev.kyoyu.sink.offsets.OffsetStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consume loop of every sink topic family ({@link RecordFamily}): poll, decode, format, and write each due
 * micro-batch with its offsets in one transaction. PostgreSQL is the only record of progress: on assignment the
 * loop seeks to the offsets stored there, and each batch moves them only from the value this loop last stored,
 * so crashes, rebalances, zombies and restored backups neither skip nor double a record.
 *
 * <p>This thread polls, decodes and formats the next batch while writer threads write the previous ones. Up to
 * {@link RecordFamily#writesInFlight} batches are written at once, each in its own transaction; they still
 * commit in log order, because a batch moves its offsets only after the batch before it has committed (and only
 * from the offsets that one stored). Every Kafka call stays on this thread.
 *
 * <p>What a failure means is {@link FailureKind}'s to say: a record that fails on its own goes to the
 * dead-letter topic and the rest goes on; an outage keeps the batch, pauses fetching and retries with backoff
 * (the process stays up and reports unhealthy); moved offsets drop what is in memory and re-read from the
 * stored offsets.
 */
public final class ConsumeShell<T> implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumeShell.class);
    private static final long MAX_POLL_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final RecordFamily<T> family;
    private final KafkaConsumer<String, byte[]> consumer;
    private final DeadLetterPublisher deadLetters;
    private final Backoff backoff;
    private final BatchTracing tracing;
    private final int maxEvents;
    private final int maxInFlight;
    private final ExecutorService writerThreads;

    private PendingBatch<T> open;
    private final InFlightWrites<T> inFlight = new InFlightWrites<>();
    private final PartitionPositions positions = new PartitionPositions();
    private long retryAtNanos;
    private volatile boolean running = true;
    private volatile WorkerHealth health = WorkerHealth.starting();

    private final ShellMeters meters;
    private final ConsumerLag lag;
    private final IsolatingWrite<T> writes;

    public ConsumeShell(SinkConfig config, RecordFamily<T> family, KafkaConsumer<String, byte[]> consumer,
                        DeadLetterPublisher deadLetters, Backoff backoff, MeterRegistry registry, BatchTracing tracing) {
        this.family = family;
        this.consumer = consumer;
        this.deadLetters = deadLetters;
        this.backoff = backoff;
        this.tracing = tracing;
        this.maxEvents = config.batchMaxEvents();
        this.maxInFlight = family.writesInFlight();
        this.writerThreads = Executors.newFixedThreadPool(maxInFlight,
                Thread.ofPlatform().name("sink-writer-" + family.meterPrefix().replace("kyoyu.", "") + "-", 1).factory());
        this.open = new PendingBatch<>(family, maxEvents, config.batchCatchUpMaxEvents(), config.batchMaxAge().toNanos());
        this.meters = ShellMeters.register(family, registry);
        this.lag = new ConsumerLag(registry);
        this.writes = new IsolatingWrite<>(family, deadLetters, meters);
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
            if (family.awaitsTopics() && !TopicWait.until(consumer, family.topics(), () -> running, this::waitingForTopics)) {
                return;
            }
            consumer.subscribe(family.topics(), new Rebalance());
            while (running) {
                step();
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } finally {
            drainOnShutdown();
            lag.forgetAll();
            consumer.close(Duration.ofSeconds(10));
        }
    }

    private void waitingForTopics() {
        health = new WorkerHealth(WorkerHealth.State.STARTING, health.since(),
                "waiting for topics " + family.topics() + " (another service creates them)");
    }

    private void step() {
        long now = System.nanoTime();
        if (!positions.allPositioned() && now >= retryAtNanos) {
            seekToStoredOffsets();
        }
        while (inFlight.oldestIsDone()) {
            complete();
        }
        // While a batch waits for its retry, nothing is due before the retry: poll at a resting pace, not in a
        // tight loop on a batch that is long overdue.
        long wait = now < retryAtNanos
                ? Math.min(MAX_POLL_WAIT_NANOS, retryAtNanos - now)
                : Math.min(MAX_POLL_WAIT_NANOS, open.nanosUntilDue(now));
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofNanos(Math.max(wait, 1_000_000)))) {
            accept(record);
        }
        meters.buffered().set(open.size());
        lag.update(consumer, positions::stored, this::holds, System.nanoTime());
        if (health.state() == WorkerHealth.State.STARTING && positions.allPositioned()) {
            health = WorkerHealth.healthy();
        }
        if (open.isFull()) {
            // Bounded memory: the batches in flight, one being filled (at most the catch-up size), no fetching beyond.
            consumer.pause(consumer.assignment());
        }
        now = System.nanoTime();
        if (open.isDue(now, open.isAtTarget() && behind()) && now >= retryAtNanos) {
            dispatch();
        }
    }

    private void accept(ConsumerRecord<String, byte[]> record) {
        long now = System.nanoTime();
        tracing.link(record);
        try {
            open.add(family.decode(record), now);
        } catch (Exception e) {
            // Decoding or formatting this one record failed: it alone is poison (see FailureKind).
            try {
                deadLetters.send(record, e);
            } catch (DeadLetterPublisher.DeadLetterException failure) {
                LOG.warn("dead-letter topic unavailable; re-reading from the stored offsets", failure);
                rewindToStoredOffsets();
                return;
            }
            meters.deadLettered().increment();
            LOG.warn("dead-lettered {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
            open.skip(new TopicPartition(record.topic(), record.partition()), record.offset(), now);
        }
    }

    /** Whether records of the partition are in the open batch or in flight, not yet stored. */
    private boolean holds(TopicPartition partition) {
        Long stored = positions.stored(partition);
        return open.nextOffsets().containsKey(partition) || !Objects.equals(inFlight.expectedOffset(partition, stored), stored);
    }

    /** Whether another batch's worth of records already waits in Kafka (from the last fetch; no broker call). */
    private boolean behind() {
        long waiting = 0;
        for (TopicPartition partition : consumer.assignment()) {
            OptionalLong lag = consumer.currentLag(partition);
            waiting += lag.isPresent() ? lag.getAsLong() : 0;
        }
        return waiting >= maxEvents;
    }

    /** Hands the open batch to a writer, once there is room in flight. */
    private void dispatch() {
        if (inFlight.size() >= maxInFlight) {
            complete();
            if (System.nanoTime() < retryAtNanos) {
                return; // it failed: it is back in the open batch, to be retried after the backoff
            }
        }
        if (open.isEmpty()) {
            return;
        }
        PendingBatch<T> batch = open;
        open = batch.next();
        Map<TopicPartition, OffsetStore.Advance> advances = new LinkedHashMap<>();
        batch.nextOffsets().forEach((partition, next) -> advances.put(partition, new OffsetStore.Advance(inFlight.expectedOffset(partition, positions.stored(partition)), next)));
        BatchTracing.BatchSpan span = tracing.start(batch.size());
        tracing.clearLinks();
        WriteTicket ticket = new WriteTicket();
        RecordFamily.Write<T> write = new RecordFamily.Write<>(batch.items(), batch.rows(), advances, ticket, inFlight.earlier());
        writerThreads.execute(() -> ticket.settle(() -> writes.write(write)));
        inFlight.add(new InFlight<>(batch, advances, ticket, System.nanoTime(), span));
        resumeReadyPartitions();
    }

    /**
     * Waits for the oldest batch in flight and settles it: offsets move on, or it comes back for a retry.
     * A batch that failed takes every later one with it (they cannot commit before it), and all of them
     * go back in front of the open batch, in log order.
     */
    private void complete() {
        InFlight<T> done = inFlight.pollOldest();
        Throwable failure = settle(done);
        if (failure == null) {
            return;
        }
        FailureKind kind = FailureKind.of(failure);
        if (kind == FailureKind.FENCED) {
            LOG.warn("{}; re-reading from the stored offsets", failure.getMessage());
            rewindToStoredOffsets();
            return;
        }
        List<PendingBatch<T>> retry = new ArrayList<>(List.of(done.batch()));
        while (!inFlight.isEmpty()) {
            InFlight<T> later = inFlight.pollOldest();
            if (settle(later) != null) {
                retry.add(later.batch());
            }
        }
        PendingBatch<T> held = open;
        for (int i = retry.size() - 1; i >= 0; i--) {
            held = PendingBatch.merge(retry.get(i), held);
        }
        open = held;
        if (kind == FailureKind.CONTENTION) {
            // Two of our own batches wanted the same rows; the earlier one is in: write this one again now.
            LOG.info("batch of {} {} written again after the batch before it: {}", done.batch().size(), family.noun(), failure.getMessage());
            return;
        }
        holdForRetry(retry.stream().mapToInt(PendingBatch::size).sum(), kind, failure);
    }

    /** Waits for one write; on success its offsets count as stored. Returns why it failed, or null. */
    private Throwable settle(InFlight<T> done) {
        try (BatchTracing.BatchSpan span = done.span()) {
            try {
                written(done, done.ticket().outcome().get());
                return null;
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                span.failed(cause instanceof Exception ex ? ex : new RuntimeException(cause));
                return cause;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                span.failed(e);
                return e;
            }
        }
    }

    private void written(InFlight<T> done, int newlyStored) {
        meters.flushDurations().record(System.nanoTime() - done.startedNanos(), TimeUnit.NANOSECONDS);
        meters.batchSizes().record(done.batch().size());
        family.stored(done.batch().items(), newlyStored);
        done.advances().forEach((partition, advance) -> positions.stored(partition, advance.next()));
        if (backoff.attempts() > 0) {
            LOG.info("database reachable again; wrote the held batch of {} {}", done.batch().size(), family.noun());
        }
        backoff.reset();
        health = WorkerHealth.healthy();
        retryAtNanos = 0;
        PartitionControl.commitForLagReporting(consumer, done.advances());
        resumeReadyPartitions();
    }

    /** The database is unreachable or failing: keep the batch, stop fetching, try again after a backoff. */
    private void holdForRetry(int items, FailureKind kind, Throwable e) {
        meters.writeErrors().increment();
        Duration delay = backoff.next();
        retryAtNanos = System.nanoTime() + delay.toNanos();
        health = WorkerHealth.unhealthy(health, "cannot write " + family.noun() + " to PostgreSQL: " + e.getMessage());
        consumer.pause(consumer.assignment());
        String message = "batch of {} {} not written ({}, attempt {}); holding it and retrying in {} ms: {}";
        if (kind == FailureKind.FATAL) {
            LOG.error(message, items, family.noun(), kind, backoff.attempts(), delay.toMillis(), e.toString(), e);
        } else {
            LOG.warn(message, items, family.noun(), kind, backoff.attempts(), delay.toMillis(), e.toString());
        }
    }

    private void seekToStoredOffsets() {
        try {
            int positioned = positions.seekWaiting(consumer, family);
            LOG.info("positioned {} partitions of {} at their stored offsets", positioned, family.topics());
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
        while (!inFlight.isEmpty()) {
            settle(inFlight.pollOldest()); // what committed counts; the rest is read again anyway
        }
        open = open.next();
        tracing.clearLinks();
        positions.awaitSeek(consumer.assignment());
        consumer.pause(consumer.assignment());
        retryAtNanos = System.nanoTime() + backoff.next().toNanos();
    }

    private void resumeReadyPartitions() {
        if (open.isFull()) {
            return;
        }
        PartitionControl.resumeExcept(consumer, positions.awaitingSeek());
    }

    private void drainOnShutdown() {
        try {
            while (!inFlight.isEmpty()) {
                complete();
            }
            if (!open.isEmpty()) {
                Map<TopicPartition, OffsetStore.Advance> advances = new LinkedHashMap<>();
                open.nextOffsets().forEach((partition, next) -> advances.put(partition, new OffsetStore.Advance(positions.stored(partition), next)));
                writes.write(new RecordFamily.Write<>(open.items(), open.rows(), advances, new WriteTicket(), EarlierWrites.NONE));
                LOG.info("wrote the last {} buffered {} before leaving the group", open.size(), family.noun());
            }
        } catch (SQLException | RuntimeException e) {
            // Nothing is lost: the offsets were not stored either, so the next owner reads these again.
            LOG.warn("could not write the last {} buffered {} on shutdown; they will be read again", open.size(), family.noun(), e);
        } finally {
            writerThreads.shutdown();
        }
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
            positions.awaitSeek(partitions);
            consumer.pause(partitions);
            seekToStoredOffsets();
        }

        /**
         * Settle the writes in flight first, so their commits land before the new owner reads the offsets;
         * then drop buffered records of partitions we no longer own: their offsets were not stored, so the
         * new owner reads them from PostgreSQL's position and nothing is written twice.
         */
        private void forget(Collection<TopicPartition> partitions) {
            while (!inFlight.isEmpty()) {
                complete();
            }
            open.forget(partitions);
            positions.forget(partitions);
            lag.forget(partitions);
        }
    }
}
