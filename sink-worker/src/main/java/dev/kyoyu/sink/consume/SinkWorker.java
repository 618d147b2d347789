package dev.kyoyu.sink.consume;

import dev.kyoyu.sink.SinkConfig;
import dev.kyoyu.sink.batch.PendingBatch;
import dev.kyoyu.sink.copy.BatchWriter;
import dev.kyoyu.sink.copy.EarlierWrites;
import dev.kyoyu.sink.copy.PositionedEvent;
import dev.kyoyu.sink.copy.WriteTicket;
import dev.kyoyu.sink.offsets.OffsetStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consume loop: poll, decode, format, and write each due micro-batch with its offsets in one
 * transaction. PostgreSQL is the only record of progress: on assignment the worker seeks to the offsets
 * stored there, and each batch moves them only from the value this worker last stored, so crashes,
 * rebalances, zombies and restored backups neither skip nor double an event.
 *
 * <p>This thread polls, decodes and formats the next batch while writer threads write the previous ones.
 * Up to {@code KYOYU_SINK_WRITES_IN_FLIGHT} batches are written at once, each in its own transaction, so
 * PostgreSQL is never idle between two batches; they still commit in log order, because a batch moves its
 * offsets only after the batch before it has committed (and only from the offsets that one stored). Every
 * Kafka call stays on this thread.
 *
 * <p>Failure table: a record that can never be stored goes to the dead-letter topic and the batch goes
 * on; a row PostgreSQL refuses is isolated and dead-lettered by the writer; a database failure keeps the
 * batch, pauses fetching and retries with backoff (the process stays up and reports unhealthy); moved
 * offsets (another worker wrote the partition) or a dead-letter failure drop what is in memory and
 * re-read from the stored offsets.
 */
public final class SinkWorker implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(SinkWorker.class);
    private static final long MAX_POLL_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final BatchWriter writer;
    private final DeadLetterPublisher deadLetters;
    private final RecordDecoder decoder = new RecordDecoder();
    private final int maxEvents;
    private final int catchUpMaxEvents;
    private final long maxAgeNanos;
    private final Backoff backoff;
    private final BatchTracing tracing;
    private final int maxInFlight;
    private final ExecutorService writerThreads;

    private PendingBatch open;
    /** Batches handed to the writers, oldest first; they commit in this order. */
    private final Deque<InFlight> inFlight = new ArrayDeque<>();
    /** The next offset PostgreSQL holds for each owned partition; absent when none is stored yet. */
    private final Map<TopicPartition, Long> stored = new HashMap<>();
    private final Set<TopicPartition> awaitingSeek = new HashSet<>();
    private long retryAtNanos;
    private volatile boolean running = true;
    private volatile WorkerHealth health = WorkerHealth.starting();

    private final Counter storedEvents;
    private final Counter deadLettered;
    private final Counter copyErrors;
    private final DistributionSummary batchSizes;
    private final Timer flushDurations;
    private final Timer writeDurations;
    private final AtomicInteger buffered = new AtomicInteger();

    /** The batch being written, and what its commit will mean. */
    private record InFlight(PendingBatch batch, Map<TopicPartition, OffsetStore.Advance> advances,
                            WriteTicket ticket, long startedNanos, BatchTracing.BatchSpan span) {
    }

    public SinkWorker(SinkConfig config, KafkaConsumer<String, byte[]> consumer, BatchWriter writer,
                      DeadLetterPublisher deadLetters, Backoff backoff, MeterRegistry registry, BatchTracing tracing) {
        this.consumer = consumer;
        this.topic = config.eventsTopic();
        this.writer = writer;
        this.deadLetters = deadLetters;
        this.backoff = backoff;
        this.tracing = tracing;
        this.maxEvents = config.batchMaxEvents();
        this.maxAgeNanos = config.batchMaxAge().toNanos();
        this.catchUpMaxEvents = config.batchCatchUpMaxEvents();
        this.maxInFlight = config.writesInFlight();
        this.writerThreads = Executors.newFixedThreadPool(maxInFlight, Thread.ofPlatform().name("sink-writer-", 1).factory());
        this.open = newBatch();
        this.storedEvents = Counter.builder("kyoyu.events.stored").register(registry);
        this.deadLettered = Counter.builder("kyoyu.events.dead.lettered").register(registry);
        this.copyErrors = Counter.builder("kyoyu.copy.errors").register(registry);
        this.batchSizes = DistributionSummary.builder("kyoyu.events.batch.size").register(registry);
        this.flushDurations = Timer.builder("kyoyu.events.batch.flush.duration")
                .description("from handing a batch to the writer until the worker settles it").publishPercentileHistogram()
                .register(registry);
        this.writeDurations = Timer.builder("kyoyu.events.batch.write.duration")
                .description("the writer thread's time in the database for a batch: how busy the write path is")
                .publishPercentileHistogram().register(registry);
        Gauge.builder("kyoyu.events.buffer.size", buffered, AtomicInteger::get).register(registry);
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

    private PendingBatch newBatch() {
        return new PendingBatch(topic, maxEvents, catchUpMaxEvents, maxAgeNanos);
    }

    private void step() {
        long now = System.nanoTime();
        if (!awaitingSeek.isEmpty() && now >= retryAtNanos) {
            seekToStoredOffsets();
        }
        while (!inFlight.isEmpty() && inFlight.peekFirst().ticket().outcome().isDone()) {
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
        buffered.set(open.size());
        if (health.state() == WorkerHealth.State.STARTING && awaitingSeek.isEmpty()) {
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
            open.add(decoder.decode(record), now);
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
            open.skip(new TopicPartition(record.topic(), record.partition()), record.offset(), now);
        }
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
        PendingBatch batch = open;
        open = newBatch();
        Map<TopicPartition, OffsetStore.Advance> advances = new LinkedHashMap<>();
        batch.nextOffsets().forEach((partition, next) -> advances.put(partition, new OffsetStore.Advance(expectedOffset(partition), next)));
        BatchTracing.BatchSpan span = tracing.start(batch.size());
        tracing.clearLinks();
        WriteTicket ticket = new WriteTicket();
        EarlierWrites earlier = new EarlierWrites(inFlight.stream().map(InFlight::ticket).toList());
        BatchWriter.Batch write = new BatchWriter.Batch(batch.events(), batch.rows(), advances, ticket, earlier);
        writerThreads.execute(() -> ticket.settle(() -> writeOrIsolate(write)));
        inFlight.addLast(new InFlight(batch, advances, ticket, System.nanoTime(), span));
        resumeReadyPartitions();
    }

    /** Where a partition's offset will be once the batches in flight commit: where the next batch moves it from. */
    private Long expectedOffset(TopicPartition partition) {
        for (Iterator<InFlight> newestFirst = inFlight.descendingIterator(); newestFirst.hasNext(); ) {
            OffsetStore.Advance advance = newestFirst.next().advances().get(partition);
            if (advance != null) {
                return advance.next();
            }
        }
        return stored.get(partition);
    }

    /** On the writer thread. */
    private int writeOrIsolate(BatchWriter.Batch batch) throws SQLException {
        long started = System.nanoTime();
        try {
            return writer.write(batch);
        } catch (SQLException e) {
            if (!BatchWriter.isRowError(e)) {
                throw e;
            }
            LOG.warn("PostgreSQL refused a row of a batch of {} ({}); writing event by event to dead-letter the culprit",
                    batch.events().size(), e.getMessage());
            return writer.writeIsolating(batch, this::deadLetterRefused);
        } finally {
            writeDurations.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }

    private void deadLetterRefused(PositionedEvent event, SQLException reason) {
        deadLetters.send(topic, event, reason);
        deadLettered.increment();
        LOG.warn("dead-lettered {}-{}@{}: PostgreSQL refused it: {}", topic, event.partition(), event.offset(), reason.getMessage());
    }

    /**
     * Waits for the oldest batch in flight and settles it: offsets move on, or it comes back for a retry.
     * A batch that failed takes every later one with it (they cannot commit before it), and all of them
     * go back in front of the open batch, in log order.
     */
    private void complete() {
        InFlight done = inFlight.pollFirst();
        Throwable failure = settle(done);
        if (failure == null) {
            return;
        }
        if (failure instanceof OffsetStore.OffsetsMovedException moved) {
            LOG.warn("{}; re-reading from the stored offsets", moved.getMessage());
            rewindToStoredOffsets();
            return;
        }
        List<PendingBatch> retry = new ArrayList<>(List.of(done.batch()));
        while (!inFlight.isEmpty()) {
            InFlight later = inFlight.pollFirst();
            if (settle(later) != null) {
                retry.add(later.batch());
            }
        }
        PendingBatch held = open;
        for (int i = retry.size() - 1; i >= 0; i--) {
            held = PendingBatch.merge(retry.get(i), held);
        }
        open = held;
        if (isContention(failure)) {
            // Two of our own batches wanted the same rows; the earlier one is in: write this one again now.
            LOG.info("batch of {} events written again after the batch before it: {}", done.batch().size(), failure.getMessage());
            return;
        }
        holdForRetry(retry.stream().mapToInt(PendingBatch::size).sum(), failure);
    }

    /** A batch of ours that gave way to an earlier one, or a deadlock PostgreSQL broke: nothing is wrong. */
    private static boolean isContention(Throwable failure) {
        return failure instanceof EarlierWrites.GaveWayException
                || failure instanceof SQLException e && ("40P01".equals(e.getSQLState()) || "40001".equals(e.getSQLState()));
    }

    /** Waits for one write; on success its offsets count as stored. Returns why it failed, or null. */
    private Throwable settle(InFlight done) {
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

    private void written(InFlight done, int written) {
        flushDurations.record(System.nanoTime() - done.startedNanos(), TimeUnit.NANOSECONDS);
        batchSizes.record(done.batch().size());
        storedEvents.increment(written);
        done.advances().forEach((partition, advance) -> stored.put(partition, advance.next()));
        if (backoff.attempts() > 0) {
            LOG.info("database reachable again; wrote the held batch of {} events", done.batch().size());
        }
        backoff.reset();
        health = WorkerHealth.healthy();
        retryAtNanos = 0;
        PartitionControl.commitForLagReporting(consumer, done.advances());
        resumeReadyPartitions();
    }

    /** The database is unreachable or failing: keep the batch, stop fetching, try again after a backoff. */
    private void holdForRetry(int events, Throwable e) {
        copyErrors.increment();
        Duration delay = backoff.next();
        retryAtNanos = System.nanoTime() + delay.toNanos();
        health = WorkerHealth.unhealthy(health, "cannot write to PostgreSQL: " + e.getMessage());
        consumer.pause(consumer.assignment());
        LOG.warn("batch of {} events not written (attempt {}); holding it and retrying in {} ms: {}",
                events, backoff.attempts(), delay.toMillis(), e.toString());
    }

    private void seekToStoredOffsets() {
        try {
            Map<TopicPartition, Long> storedOffsets = writer.storedOffsets(awaitingSeek);
            for (TopicPartition partition : awaitingSeek) {
                Long next = storedOffsets.get(partition);
                if (next != null) {
                    consumer.seek(partition, next);
                    stored.put(partition, next);
                } else {
                    consumer.seekToBeginning(List.of(partition));
                    stored.remove(partition);
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
        while (!inFlight.isEmpty()) {
            settle(inFlight.pollFirst()); // what committed counts; the rest is read again anyway
        }
        open = newBatch();
        tracing.clearLinks();
        awaitingSeek.addAll(consumer.assignment());
        consumer.pause(consumer.assignment());
        retryAtNanos = System.nanoTime() + backoff.next().toNanos();
    }

    private void resumeReadyPartitions() {
        if (open.isFull()) {
            return;
        }
        PartitionControl.resumeExcept(consumer, awaitingSeek);
    }

    private void drainOnShutdown() {
        try {
            while (!inFlight.isEmpty()) {
                complete();
            }
            if (!open.isEmpty()) {
                Map<TopicPartition, OffsetStore.Advance> advances = new LinkedHashMap<>();
                open.nextOffsets().forEach((partition, next) -> advances.put(partition, new OffsetStore.Advance(stored.get(partition), next)));
                writer.write(new BatchWriter.Batch(open.events(), open.rows(), advances));
                LOG.info("wrote the last {} buffered events before leaving the group", open.size());
            }
        } catch (SQLException | RuntimeException e) {
            // Nothing is lost: the offsets were not stored either, so the next owner reads these again.
            LOG.warn("could not write the last {} buffered events on shutdown; they will be read again", open.size(), e);
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
            awaitingSeek.addAll(partitions);
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
            stored.keySet().removeAll(partitions);
            awaitingSeek.removeAll(partitions);
        }
    }

    /** What /health reports: healthy, or since when and why not. */
    public record WorkerHealth(State state, Instant since, String reason) {
        public enum State { STARTING, HEALTHY, UNHEALTHY }

        public static WorkerHealth starting() {
            return new WorkerHealth(State.STARTING, Instant.now(), "joining the consumer group");
        }

        public static WorkerHealth healthy() {
            return new WorkerHealth(State.HEALTHY, Instant.now(), null);
        }

        public static WorkerHealth unhealthy(WorkerHealth previous, String reason) {
            Instant since = previous.state() == State.UNHEALTHY ? previous.since() : Instant.now();
            return new WorkerHealth(State.UNHEALTHY, since, reason);
        }
    }
}
