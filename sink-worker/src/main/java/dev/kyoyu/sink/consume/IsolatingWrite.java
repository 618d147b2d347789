package dev.kyoyu.sink.consume;

import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a writer thread does with one batch: write it whole; when that fails because of its records
 * ({@link FailureKind#POISON}), write it again record by record and dead-letter only a record that fails on its
 * own. Any other failure goes back to the consume loop, which holds, rewinds or retries the batch.
 */
final class IsolatingWrite<T> {
    private static final Logger LOG = LoggerFactory.getLogger(IsolatingWrite.class);

    private final RecordFamily<T> family;
    private final DeadLetterPublisher deadLetters;
    private final ShellMeters meters;

    IsolatingWrite(RecordFamily<T> family, DeadLetterPublisher deadLetters, ShellMeters meters) {
        this.family = family;
        this.deadLetters = deadLetters;
        this.meters = meters;
    }

    int write(RecordFamily.Write<T> write) throws SQLException {
        long started = System.nanoTime();
        try {
            return family.write(write);
        } catch (SQLException | RuntimeException e) {
            if (FailureKind.of(e) != FailureKind.POISON) {
                throw e;
            }
            LOG.warn("a record of a batch of {} {} cannot be stored ({}); writing one by one to dead-letter the culprit",
                    write.items().size(), family.noun(), e.toString());
            return family.writeIsolating(write, this::failedAlone);
        } finally {
            meters.writeDurations().record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }

    /** An item failed on its own; dead-letter it if that is its own fault, else fail the batch. */
    private void failedAlone(T item, Exception reason) throws SQLException {
        if (FailureKind.of(reason) != FailureKind.POISON) {
            if (reason instanceof SQLException sql) {
                throw sql;
            }
            throw (RuntimeException) reason;
        }
        family.deadLetter(deadLetters, item, reason);
        meters.deadLettered().increment();
        TopicPartition partition = family.partitionOf(item);
        LOG.warn("dead-lettered {}@{}: {}", partition, family.offsetOf(item), reason.toString());
    }
}
