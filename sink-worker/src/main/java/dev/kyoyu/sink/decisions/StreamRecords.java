package dev.kyoyu.sink.decisions;

import dev.kyoyu.sink.SinkConfig;
import dev.kyoyu.sink.consume.DeadLetterPublisher;
import dev.kyoyu.sink.consume.RecordFamily;
import dev.kyoyu.sink.consume.SavepointBatchWrite;
import dev.kyoyu.sink.copy.BatchWriter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayOutputStream;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * What the decision stream publishes (decisions and conflicts topics), stored with the events' discipline by the
 * same consume shell, in its own consumer group and thread so a slow decision write never holds up the events.
 * One batch in flight at a time: decisions are few, and their writes commit durably.
 */
public final class StreamRecords implements RecordFamily<StreamItem> {
    private final List<String> topics;
    private final StreamItemDecoder decoder;
    private final SavepointBatchWrite<StreamItem> writer;
    private final Counter decisionsStored;
    private final Counter conflictsStored;

    public StreamRecords(SinkConfig config, DataSource dataSource, MeterRegistry registry) {
        this.topics = List.of(config.decisionsTopic(), config.conflictsTopic());
        this.decoder = new StreamItemDecoder(config.decisionsTopic());
        this.writer = new SavepointBatchWrite<>(dataSource, new StreamItemRows());
        this.decisionsStored = Counter.builder("kyoyu.decisions.stored").register(registry);
        this.conflictsStored = Counter.builder("kyoyu.conflicts.stored").register(registry);
    }

    @Override
    public String noun() {
        return "decisions and conflicts";
    }

    @Override
    public List<String> topics() {
        return topics;
    }

    @Override
    public boolean awaitsTopics() {
        return true; // the decision stream creates them when it first starts, possibly after this worker
    }

    @Override
    public int writesInFlight() {
        return 1;
    }

    @Override
    public String meterPrefix() {
        return "kyoyu.decisions";
    }

    @Override
    public String writeErrorsMeter() {
        return "kyoyu.decisions.write.errors";
    }

    @Override
    public StreamItem decode(ConsumerRecord<String, byte[]> record) throws StreamItemDecoder.PoisonRecordException {
        return decoder.decode(record);
    }

    @Override
    public int write(Write<StreamItem> write) throws SQLException {
        return writer.write(write.items(), write.advances());
    }

    @Override
    public int writeIsolating(Write<StreamItem> write, BatchWriter.RecordFailures<StreamItem> failures) throws SQLException {
        return writer.writeIsolating(write.items(), write.advances(), failures);
    }

    @Override
    public Map<TopicPartition, Long> storedOffsets(Collection<TopicPartition> partitions) throws SQLException {
        return writer.storedOffsets(partitions);
    }

    @Override
    public void deadLetter(DeadLetterPublisher deadLetters, StreamItem item, Exception reason) {
        deadLetters.send(item.record(), reason);
    }

    @Override
    public void stored(List<StreamItem> items, int newlyStored) {
        decisionsStored.increment(items.stream().filter(i -> i.decision() != null).count());
        conflictsStored.increment(items.stream().filter(i -> i.conflict() != null).count());
    }

    @Override
    public TopicPartition partitionOf(StreamItem item) {
        return new TopicPartition(item.record().topic(), item.record().partition());
    }

    @Override
    public long offsetOf(StreamItem item) {
        return item.record().offset();
    }

    @Override
    public void format(StreamItem item, ByteArrayOutputStream rows) {
        // Written with statements, not COPY: no row ahead of time.
    }
}
