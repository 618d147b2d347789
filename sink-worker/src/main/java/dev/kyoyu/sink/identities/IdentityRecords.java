package dev.kyoyu.sink.identities;

import dev.kyoyu.schemas.identity.IdentityJson;
import dev.kyoyu.sink.SinkConfig;
import dev.kyoyu.sink.consume.DeadLetterPublisher;
import dev.kyoyu.sink.consume.RecordFamily;
import dev.kyoyu.sink.consume.SavepointBatchWrite;
import dev.kyoyu.sink.copy.BatchWriter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The identity topic (agents, API keys, role token floors, grants), materialized into PostgreSQL by the same consume
 * shell as the events, in its own consumer group and thread. One batch in flight: the topic has one partition and
 * its records must apply in order (each is the whole state under its key, so the last one wins).
 */
public final class IdentityRecords implements RecordFamily<IdentityItem> {

    /** A record that is not an identity record; it goes to the dead-letter topic. */
    static final class PoisonRecordException extends Exception {
        PoisonRecordException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final String topic;
    private final SavepointBatchWrite<IdentityItem> writer;
    private final Counter stored;

    public IdentityRecords(SinkConfig config, DataSource dataSource, MeterRegistry registry) {
        this.topic = config.identitiesTopic();
        IdentityRowWriter rows = new IdentityRowWriter();
        this.writer = new SavepointBatchWrite<>(dataSource, (connection, items) -> {
            for (IdentityItem item : items) { // in log order: the last record under a key wins
                rows.write(connection, item.identity());
            }
        });
        this.stored = Counter.builder("kyoyu.identities.stored").register(registry);
    }

    @Override
    public String noun() {
        return "identities";
    }

    @Override
    public List<String> topics() {
        return List.of(topic);
    }

    @Override
    public boolean awaitsTopics() {
        return true; // ingest-api creates it when the first admin is bootstrapped, possibly after this worker starts
    }

    @Override
    public int writesInFlight() {
        return 1;
    }

    @Override
    public String meterPrefix() {
        return "kyoyu.identities";
    }

    @Override
    public String writeErrorsMeter() {
        return "kyoyu.identities.write.errors";
    }

    @Override
    public IdentityItem decode(ConsumerRecord<String, byte[]> record) throws PoisonRecordException {
        if (record.value() == null) {
            throw new PoisonRecordException("record has no value (identity records are never deleted)", null);
        }
        try {
            return new IdentityItem(record, IdentityJson.fromBytes(record.value()));
        } catch (IOException | RuntimeException e) {
            throw new PoisonRecordException("not an identity record: " + e.getMessage(), e);
        }
    }

    @Override
    public int write(Write<IdentityItem> write) throws SQLException {
        return writer.write(write.items(), write.advances());
    }

    @Override
    public int writeIsolating(Write<IdentityItem> write, BatchWriter.RecordFailures<IdentityItem> failures) throws SQLException {
        return writer.writeIsolating(write.items(), write.advances(), failures);
    }

    @Override
    public Map<TopicPartition, Long> storedOffsets(Collection<TopicPartition> partitions) throws SQLException {
        return writer.storedOffsets(partitions);
    }

    @Override
    public void deadLetter(DeadLetterPublisher deadLetters, IdentityItem item, Exception reason) {
        deadLetters.send(item.source(), reason);
    }

    @Override
    public void stored(List<IdentityItem> items, int newlyStored) {
        stored.increment(newlyStored);
    }

    @Override
    public TopicPartition partitionOf(IdentityItem item) {
        return new TopicPartition(item.source().topic(), item.source().partition());
    }

    @Override
    public long offsetOf(IdentityItem item) {
        return item.source().offset();
    }

    @Override
    public void format(IdentityItem item, ByteArrayOutputStream rows) {
        // Written with statements, not COPY: no row ahead of time.
    }
}
