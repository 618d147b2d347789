package dev.kyoyu.sink.consume;

import dev.kyoyu.sink.SinkConfig;
import dev.kyoyu.sink.copy.BatchWriter;
import dev.kyoyu.sink.copy.EventRows;
import dev.kyoyu.sink.copy.PositionedEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayOutputStream;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/** The agent events topic: decoded on the hot path, formatted for COPY as it arrives, written by {@link BatchWriter}. */
public final class EventRecords implements RecordFamily<PositionedEvent> {
    private final String topic;
    private final int writesInFlight;
    private final BatchWriter writer;
    private final RecordDecoder decoder = new RecordDecoder();
    private final EventRows rows;
    private final Counter storedEvents;

    public EventRecords(SinkConfig config, BatchWriter writer, MeterRegistry registry) {
        this.topic = config.eventsTopic();
        this.writesInFlight = config.writesInFlight();
        this.writer = writer;
        this.rows = new EventRows(topic);
        this.storedEvents = Counter.builder("kyoyu.events.stored").register(registry);
    }

    @Override
    public String noun() {
        return "events";
    }

    @Override
    public List<String> topics() {
        return List.of(topic);
    }

    @Override
    public boolean awaitsTopics() {
        return false;
    }

    @Override
    public int writesInFlight() {
        return writesInFlight;
    }

    @Override
    public String meterPrefix() {
        return "kyoyu.events";
    }

    @Override
    public String writeErrorsMeter() {
        return "kyoyu.copy.errors";
    }

    @Override
    public PositionedEvent decode(ConsumerRecord<String, byte[]> record) throws RecordDecoder.PoisonRecordException {
        return decoder.decode(record);
    }

    @Override
    public int write(Write<PositionedEvent> write) throws SQLException {
        return writer.write(batch(write));
    }

    @Override
    public int writeIsolating(Write<PositionedEvent> write, BatchWriter.RecordFailures<PositionedEvent> failures) throws SQLException {
        return writer.writeIsolating(batch(write), failures);
    }

    private static BatchWriter.Batch batch(Write<PositionedEvent> write) {
        return new BatchWriter.Batch(write.items(), write.rows(), write.advances(), write.ticket(), write.earlier());
    }

    @Override
    public Map<TopicPartition, Long> storedOffsets(Collection<TopicPartition> partitions) throws SQLException {
        return writer.storedOffsets(partitions);
    }

    @Override
    public void deadLetter(DeadLetterPublisher deadLetters, PositionedEvent event, Exception reason) {
        deadLetters.send(topic, event, reason);
    }

    @Override
    public void stored(List<PositionedEvent> items, int newlyStored) {
        storedEvents.increment(newlyStored);
    }

    @Override
    public TopicPartition partitionOf(PositionedEvent event) {
        return rows.partitionOf(event);
    }

    @Override
    public long offsetOf(PositionedEvent event) {
        return rows.offsetOf(event);
    }

    @Override
    public void format(PositionedEvent event, ByteArrayOutputStream out) {
        rows.format(event, out);
    }
}
