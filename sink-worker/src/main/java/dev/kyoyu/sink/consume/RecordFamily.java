package dev.kyoyu.sink.consume;

import dev.kyoyu.sink.batch.BatchItems;
import dev.kyoyu.sink.copy.BatchWriter;
import dev.kyoyu.sink.copy.EarlierWrites;
import dev.kyoyu.sink.copy.WriteTicket;
import dev.kyoyu.sink.offsets.OffsetStore;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * What differs between the sink's consume loops (agent events; the decision stream's decisions and conflicts):
 * how a record is decoded, written and dead-lettered. Everything else (offsets, fencing, classification,
 * holding, backoff) is the {@link ConsumeShell}'s, written once.
 */
public interface RecordFamily<T> extends BatchItems<T> {
    /** The batch a writer thread writes, with the offsets its commit stores. */
    record Write<T>(List<T> items, byte[] rows, Map<TopicPartition, OffsetStore.Advance> advances,
                    WriteTicket ticket, EarlierWrites earlier) {
    }

    /** For logs and /health, e.g. "events". */
    String noun();

    List<String> topics();

    /** Whether another service creates the topics, possibly after this worker starts: then wait for them. */
    boolean awaitsTopics();

    /** Batches written at once, each in its own transaction (they still commit in log order). */
    int writesInFlight();

    /** Meter names start with this, e.g. {@code kyoyu.events}. */
    String meterPrefix();

    /** The counter of batches that could not be written. */
    String writeErrorsMeter();

    /** Throws anything for a record that can never be stored: decoding failures are always the record's own. */
    T decode(ConsumerRecord<String, byte[]> record) throws Exception;

    /** Writes the batch and its offsets in one transaction; returns how many items were newly stored. */
    int write(Write<T> write) throws SQLException;

    /** Writes the batch item by item, each failure to {@code failures}, and commits the rest with the offsets. */
    int writeIsolating(Write<T> write, BatchWriter.RecordFailures<T> failures) throws SQLException;

    Map<TopicPartition, Long> storedOffsets(Collection<TopicPartition> partitions) throws SQLException;

    /** Sends an item that failed on its own to the dead-letter topic; blocks until the broker has it. */
    void deadLetter(DeadLetterPublisher deadLetters, T item, Exception reason);

    /** Counts what a committed batch stored. */
    void stored(List<T> items, int newlyStored);
}
