package dev.kyoyu.ingest.kafka;

import dev.kyoyu.ingest.IngestConfig;
import dev.kyoyu.schemas.event.AgentEvent;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.service.limits.RateLimitedException;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.ObjIntConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes events keyed by agent id and returns only once the broker acknowledged every one of them
 * (acks=all, idempotent producer). The caller never hears "accepted" for an event that may not be in Kafka;
 * how a failure is answered is {@link PublishFailures}' rule. Every record is measured before it is sent, so one
 * over the record limit is a 413 naming the limit, never a send that can only fail.
 */
public final class EventPublisher implements AutoCloseable {
    /**
     * Bytes a record may need beyond key, value and headers, as Kafka counts it for max.request.size:
     * the record batch header (61) and one record's varint fields (at most 21) and header count (at most 5).
     */
    private static final int RECORD_OVERHEAD = 61 + 21 + 5;

    /** The longest a streamed line waits for its agent's rate limit before the stream is refused. */
    private static final Duration MAX_STREAM_PACE = Duration.ofSeconds(1);

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final Duration ackTimeout;
    private final int maxRecordBytes;
    private final TextMapPropagator propagator;
    private final ObjIntConsumer<String> chargeEvents;
    /** Events handed to the producer whose acknowledgement (or failure) has not come back: its buffer, in events. */
    private final AtomicLong unacknowledged = new AtomicLong();

    /**
     * @param propagator   carries the request's trace context to the sink in the record headers
     * @param chargeEvents counts an agent's events against its rate limit before they are sent; refuses by throwing
     *                     (429): the one point every accepted event of every endpoint passes, after validation
     */
    public EventPublisher(IngestConfig config, TextMapPropagator propagator, ObjIntConsumer<String> chargeEvents) {
        this.propagator = propagator;
        this.chargeEvents = chargeEvents;
        this.topic = config.eventsTopic();
        this.ackTimeout = config.ackTimeout();
        this.maxRecordBytes = config.maxRecordBytes();
        long timeoutMs = config.ackTimeout().toMillis();
        this.producer = new KafkaProducer<>(Map.ofEntries(
                Map.entry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap()),
                Map.entry(ProducerConfig.ACKS_CONFIG, "all"),
                Map.entry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                Map.entry(ProducerConfig.LINGER_MS_CONFIG, 5),
                Map.entry(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024),
                Map.entry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"),
                // The record limit checked before sending (the broker's message.max.bytes must be at least this).
                Map.entry(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, config.maxRecordBytes()),
                // Memory is bounded by configuration, not by what clients send: a full buffer blocks send()
                // for at most max.block.ms, and then the request answers 503.
                Map.entry(ProducerConfig.BUFFER_MEMORY_CONFIG, config.producerBufferBytes()),
                Map.entry(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs),
                Map.entry(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1000, timeoutMs / 2)),
                Map.entry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(2000, timeoutMs))),
                new StringSerializer(), new ByteArraySerializer());
    }

    public int maxRecordBytes() {
        return maxRecordBytes;
    }

    /** The gauge kyoyu_ingest_inflight_events. */
    public long unacknowledged() {
        return unacknowledged.get();
    }

    /** Sends all events and waits for every acknowledgement; a record over the limit fails the request before any is sent. */
    public void publishAll(List<AgentEvent> events) {
        publishAll(events, event -> null);
    }

    /** @param fieldOf names the request field that makes an event's record too large (for the 413), or null */
    public void publishAll(List<AgentEvent> events, Function<AgentEvent, String> fieldOf) {
        InFlight inFlight = new InFlight(false);
        List<Record> records = new ArrayList<>(events.size());
        for (AgentEvent event : events) {
            Record record = inFlight.prepare(event);
            if (!record.fits()) {
                throw PublishFailures.tooLarge("the " + event.eventType() + " record", record.bytes(), maxRecordBytes, fieldOf.apply(event));
            }
            records.add(record);
        }
        // All or nothing, after the size check and before the first send; every event of a request is its caller's.
        if (!events.isEmpty()) {
            chargeEvents.accept(events.getFirst().agentId(), events.size());
        }
        records.forEach(inFlight::send);
        inFlight.awaitAcks();
    }

    /**
     * For streamed requests: send events as they are read, then wait for all acknowledgements at the end. Each event
     * is counted against the rate limit as it is sent, so a stream over the limit stops there with a 429.
     */
    public InFlight begin() {
        return new InFlight(true);
    }

    /** An event serialized for Kafka, with the size Kafka will count for it. */
    public record Record(AgentEvent event, byte[] value, int bytes, boolean fits) {
    }

    /** The sends of one request. Not thread-safe: one request, one thread. */
    public final class InFlight {
        private final List<Future<RecordMetadata>> acks = new ArrayList<>();
        private final RecordHeaders traceHeaders = new RecordHeaders();
        private final boolean chargeEach;
        private final int headerBytes;

        private InFlight(boolean chargeEach) {
            this.chargeEach = chargeEach;
            propagator.inject(Context.current(), traceHeaders,
                    (headers, key, value) -> headers.add(key, value.getBytes(StandardCharsets.UTF_8)));
            int bytes = 0;
            for (Header header : traceHeaders) {
                bytes += 10 + header.key().getBytes(StandardCharsets.UTF_8).length + header.value().length;
            }
            headerBytes = bytes;
        }

        /** Serializes the event and measures it against the record limit; sends nothing. */
        public Record prepare(AgentEvent event) {
            byte[] value = EventJson.toBytes(event);
            int bytes = RECORD_OVERHEAD + headerBytes + event.agentId().getBytes(StandardCharsets.UTF_8).length + value.length;
            return new Record(event, value, bytes, bytes <= maxRecordBytes);
        }

        /**
         * Hands a record that fits to the producer; blocks at most max.block.ms (the ack timeout) for metadata or
         * room in its bounded buffer. A send that has already failed (the broker is unreachable) ends the request
         * at once, so a request of many events is answered within one ack timeout, not one per event.
         */
        public void send(Record record) {
            if (!record.fits()) {
                throw PublishFailures.tooLarge("the " + record.event().eventType() + " record", record.bytes(), maxRecordBytes, null);
            }
            if (chargeEach) {
                chargePaced(record.event().agentId());
            }
            Header[] headers = traceHeaders.toArray();
            Future<RecordMetadata> ack;
            unacknowledged.incrementAndGet();
            try {
                ack = producer.send(new ProducerRecord<>(topic, null, record.event().agentId(), record.value(),
                        headers.length == 0 ? null : new RecordHeaders(headers)), (metadata, error) -> unacknowledged.decrementAndGet());
            } catch (KafkaException e) {
                unacknowledged.decrementAndGet(); // thrown, not handed over: no callback comes
                throw PublishFailures.of(e, maxRecordBytes);
            } catch (RuntimeException e) {
                unacknowledged.decrementAndGet();
                throw e;
            }
            if (ack.isDone()) {
                try {
                    ack.get();
                } catch (ExecutionException | InterruptedException e) {
                    throw PublishFailures.of(e, maxRecordBytes);
                }
            }
            acks.add(ack);
        }

        /**
         * A stream is paced to its agent's event rate rather than cut: while the next event's token is due within
         * {@link #MAX_STREAM_PACE}, the line waits for it (reading slows down, and TCP slows the sender). Only an agent
         * whose bucket stays empty longer than that gets the 429, from that line on.
         */
        private void chargePaced(String agentId) {
            while (true) {
                try {
                    chargeEvents.accept(agentId, 1);
                    return;
                } catch (RateLimitedException e) {
                    Duration wait = e.allowance().retryAfter();
                    if (wait.compareTo(MAX_STREAM_PACE) > 0) {
                        throw e;
                    }
                    try {
                        Thread.sleep(wait);
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        throw e;
                    }
                }
            }
        }

        public void awaitAcks() {
            long deadline = System.nanoTime() + ackTimeout.toNanos();
            try {
                for (Future<RecordMetadata> ack : acks) {
                    ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                }
            } catch (TimeoutException | ExecutionException | InterruptedException e) {
                throw PublishFailures.of(e, maxRecordBytes);
            }
        }
    }

    @Override
    public void close() {
        producer.flush();
        producer.close(Duration.ofSeconds(30));
    }
}
