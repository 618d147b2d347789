package dev.kyoyu.bench.sink;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.bench.load.EventMix;
import dev.kyoyu.bench.load.SizeProfile;
import dev.kyoyu.bench.report.Progress;
import dev.kyoyu.schemas.event.AgentEvent;
import dev.kyoyu.schemas.event.EventIds;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.schemas.event.EventTypes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import me.tongfei.progressbar.ProgressBar;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Fills the bench topic with the records the ingest API would publish: AgentEvent JSON keyed by agent id,
 * UUIDv7 ids, runs that start, carry 50–350 events and complete, many agents interleaved.
 */
final class Preloader {
    record Result(long events, long valueBytes, double seconds, long runsStarted) {
    }

    private Preloader() {
    }

    static Result preload(String bootstrap, String topic, long events, int agents, SizeProfile sizes) {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                // The ingest API compresses with lz4 too, so the sink decompresses what it would in production.
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024,
                ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024);
        EventMix mix = new EventMix(42);
        SplittableRandom random = new SplittableRandom(7);
        UUID[] run = new UUID[agents];
        int[] remaining = new int[agents];
        AtomicLong acked = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        long bytes = 0;
        long runs = 0;
        long started = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
             ProgressBar bar = Progress.bar("preload", events, "ev")) {
            for (long i = 0; i < events; i++) {
                int a = random.nextInt(agents);
                String agentId = String.format("bench-agent-%04d", a);
                String type;
                ObjectNode payload;
                if (run[a] == null) {
                    run[a] = EventIds.newId();
                    remaining[a] = 50 + random.nextInt(301);
                    type = EventTypes.RUN_STARTED;
                    payload = EventJson.MAPPER.createObjectNode();
                    payload.putObject("metadata").put("purpose", "sink benchmark").put("model", "claude-sonnet-4");
                    runs++;
                } else if (remaining[a] == 0) {
                    type = random.nextInt(20) == 0 ? EventTypes.RUN_FAILED : EventTypes.RUN_COMPLETED;
                    payload = EventJson.MAPPER.createObjectNode();
                    payload.putObject("metadata");
                } else {
                    type = mix.nextType();
                    payload = mix.payload(type);
                    remaining[a]--;
                }
                Instant now = Instant.now();
                AgentEvent event = new AgentEvent(EventIds.newId(), run[a], agentId, type, now, now, payload);
                byte[] value = EventJson.toBytes(event);
                if (type.equals(EventTypes.RUN_COMPLETED) || type.equals(EventTypes.RUN_FAILED)) {
                    run[a] = null;
                }
                bytes += value.length;
                if (sizes != null && !type.startsWith("Run")) {
                    sizes.add(type, payload.toString().getBytes(StandardCharsets.UTF_8).length, value.length);
                }
                producer.send(new ProducerRecord<>(topic, agentId, value), (metadata, error) -> {
                    if (error != null) {
                        failure.compareAndSet(null, error);
                    } else {
                        acked.incrementAndGet();
                    }
                });
                if ((i & 0x3FFF) == 0) {
                    bar.stepTo(acked.get());
                    if (failure.get() != null) {
                        break;
                    }
                }
            }
            producer.flush();
            bar.stepTo(acked.get());
        }
        if (failure.get() != null) {
            throw new IllegalStateException("preloading " + topic + " failed", failure.get());
        }
        return new Result(acked.get(), bytes, (System.nanoTime() - started) / 1e9, runs);
    }
}
