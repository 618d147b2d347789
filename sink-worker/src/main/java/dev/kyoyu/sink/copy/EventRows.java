package dev.kyoyu.sink.copy;

import dev.kyoyu.sink.batch.BatchItems;
import java.io.ByteArrayOutputStream;
import org.apache.kafka.common.TopicPartition;

/** Events of one topic in a pending batch: each formatted for COPY as it arrives. */
public final class EventRows implements BatchItems<PositionedEvent> {
    private final String topic;

    public EventRows(String topic) {
        this.topic = topic;
    }

    @Override
    public TopicPartition partitionOf(PositionedEvent event) {
        return new TopicPartition(topic, event.partition());
    }

    @Override
    public long offsetOf(PositionedEvent event) {
        return event.offset();
    }

    @Override
    public void format(PositionedEvent event, ByteArrayOutputStream rows) {
        EventCopyWriter.formatRow(event, rows);
    }
}
