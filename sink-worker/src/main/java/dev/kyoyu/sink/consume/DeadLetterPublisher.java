package dev.kyoyu.sink.consume;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.schemas.event.AgentEvent;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.sink.copy.PositionedEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends records the sink cannot store to the dead-letter topic, unchanged, with headers saying where
 * they came from and why. Synchronous: the offset past a poison record is only saved once the
 * dead letter is safely in Kafka.
 */
public final class DeadLetterPublisher implements AutoCloseable {
    public static final String SOURCE_TOPIC = "kyoyu.dlq.source.topic";
    public static final String SOURCE_PARTITION = "kyoyu.dlq.source.partition";
    public static final String SOURCE_OFFSET = "kyoyu.dlq.source.offset";
    public static final String ERROR_CLASS = "kyoyu.dlq.error.class";
    public static final String ERROR_MESSAGE = "kyoyu.dlq.error.message";

    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;

    public DeadLetterPublisher(String bootstrap, String topic) {
        this.topic = topic;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT.toMillis()),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Blocks until the broker has the dead letter; throws {@link DeadLetterException} otherwise. */
    public void send(ConsumerRecord<String, byte[]> record, Exception reason) {
        send(record.topic(), record.partition(), record.offset(), record.key(), record.value(),
                new RecordHeaders(record.headers().toArray()), reason);
    }

    /** A decoded event that PostgreSQL refused: the value is the event as the sink read it. */
    public void send(String sourceTopic, PositionedEvent event, Exception reason) {
        send(sourceTopic, event.partition(), event.offset(), event.event().agentId(), value(event), new RecordHeaders(), reason);
    }

    /**
     * The event as JSON; a payload that does not survive being parsed and printed again (a lone surrogate
     * escape, say) is kept as the text it arrived as, so that dead-lettering never fails because of the record.
     */
    private static byte[] value(PositionedEvent positioned) {
        try {
            return EventJson.toBytes(positioned.withPayload());
        } catch (RuntimeException unprintable) {
            AgentEvent e = positioned.event();
            String raw = positioned.payloadJson() == null ? "(not kept)" : new String(positioned.payloadJson(), StandardCharsets.UTF_8);
            ObjectNode payload = EventJson.MAPPER.createObjectNode().put("kyoyu_unprintable_payload", raw);
            return EventJson.toBytes(new AgentEvent(e.id(), e.runId(), e.agentId(), e.eventType(), e.occurredAt(),
                    e.receivedAt(), payload, e.idOrigin()));
        }
    }

    private void send(String sourceTopic, int partition, long offset, String recordKey, byte[] value,
                      RecordHeaders headers, Exception reason) {
        headers.add(SOURCE_TOPIC, utf8(sourceTopic));
        headers.add(SOURCE_PARTITION, utf8(Integer.toString(partition)));
        headers.add(SOURCE_OFFSET, utf8(Long.toString(offset)));
        headers.add(ERROR_CLASS, utf8(reason.getClass().getName()));
        headers.add(ERROR_MESSAGE, utf8(String.valueOf(reason.getMessage())));
        byte[] key = recordKey == null ? null : utf8(recordKey);
        try {
            producer.send(new ProducerRecord<>(topic, null, key, value, headers))
                    .get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new DeadLetterException("could not dead-letter " + sourceTopic + "-" + partition + "@" + offset, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeadLetterException("interrupted while dead-lettering", e);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }

    /** The dead-letter topic did not take a record: retriable, from the last stored offsets. */
    public static final class DeadLetterException extends RuntimeException {
        DeadLetterException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
