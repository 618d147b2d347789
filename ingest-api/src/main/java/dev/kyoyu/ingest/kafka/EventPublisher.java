package dev.kyoyu.ingest.kafka;

import dev.kyoyu.ingest.IngestConfig;
import dev.kyoyu.schemas.event.AgentEvent;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.service.http.ApiException;
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
import java.util.function.ObjIntConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes events keyed by agent id and returns only once the broker acknowledged every one of them
 * (acks=all, idempotent producer). Anything short of that is a 503: the caller must not hear "accepted"
 * for an event that may not be in Kafka.
 */
public final class EventPublisher implements AutoCloseable {
    private static final Duration RETRY_AFTER = Duration.ofSeconds(2);

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final Duration ackTimeout;
    private final TextMapPropagator propagator;
    private final ObjIntConsumer<String> chargeEvents;

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
        long timeoutMs = config.ackTimeout().toMillis();
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                // Memory is bounded by configuration, not by what clients send: a full buffer blocks send()
                // for at most max.block.ms, and then the request answers 503.
                ProducerConfig.BUFFER_MEMORY_CONFIG, config.producerBufferBytes(),
                ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1000, timeoutMs / 2),
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(2000, timeoutMs)),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** Sends all events and waits for every acknowledgement, or throws a 503 {@link ApiException}. */
    public void publishAll(List<AgentEvent> events) {
        // All or nothing, before the first send; every event of a request is its caller's.
        if (!events.isEmpty()) {
            chargeEvents.accept(events.getFirst().agentId(), events.size());
        }
        InFlight inFlight = new InFlight(false);
        events.forEach(inFlight::send);
        inFlight.awaitAcks();
    }

    /**
     * For streamed requests: send events as they are read, then wait for all acknowledgements at the end. Each event
     * is counted against the rate limit as it is sent, so a stream over the limit stops there with a 429.
     */
    public InFlight begin() {
        return new InFlight(true);
    }

    /** The sends of one request. Not thread-safe: one request, one thread. */
    public final class InFlight {
        private final List<Future<RecordMetadata>> acks = new ArrayList<>();
        private final RecordHeaders traceHeaders = new RecordHeaders();
        private final boolean chargeEach;

        private InFlight(boolean chargeEach) {
            this.chargeEach = chargeEach;
            propagator.inject(Context.current(), traceHeaders,
                    (headers, key, value) -> headers.add(key, value.getBytes(StandardCharsets.UTF_8)));
        }

        /**
         * Hands the event to the producer; blocks at most max.block.ms (the ack timeout) for metadata or room
         * in its bounded buffer. A send that has already failed (the broker is unreachable) ends the request
         * at once with a 503, so a request of many events is answered within one ack timeout, not one per event.
         */
        public void send(AgentEvent event) {
            if (chargeEach) {
                chargeEvents.accept(event.agentId(), 1);
            }
            Future<RecordMetadata> ack;
            try {
                ack = producer.send(new ProducerRecord<>(topic, null, event.agentId(), EventJson.toBytes(event),
                        traceHeaders.toArray().length == 0 ? null : new RecordHeaders(traceHeaders.toArray())));
            } catch (KafkaException e) {
                throw ApiException.unavailable("Kafka refused the events (" + rootMessage(e) + "); send them again", RETRY_AFTER, e);
            }
            if (ack.isDone()) {
                try {
                    ack.get();
                } catch (ExecutionException e) {
                    throw ApiException.unavailable("Kafka refused the events (" + rootMessage(e) + "); send them again", RETRY_AFTER, e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw ApiException.unavailable("interrupted while handing events to Kafka; send them again", RETRY_AFTER, e);
                }
            }
            acks.add(ack);
        }

        public void awaitAcks() {
            long deadline = System.nanoTime() + ackTimeout.toNanos();
            try {
                for (Future<RecordMetadata> ack : acks) {
                    ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                }
            } catch (TimeoutException e) {
                throw ApiException.unavailable("Kafka did not acknowledge the events within " + ackTimeout + "; send them again", RETRY_AFTER, e);
            } catch (ExecutionException e) {
                throw ApiException.unavailable("Kafka refused the events (" + rootMessage(e) + "); send them again", RETRY_AFTER, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ApiException.unavailable("interrupted while waiting for Kafka; send the events again", RETRY_AFTER, e);
            }
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    @Override
    public void close() {
        producer.flush();
        producer.close(Duration.ofSeconds(30));
    }
}
