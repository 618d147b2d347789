package dev.kyoyu.bench.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.bench.report.Progress;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.sink.copy.EventCopyWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import me.tongfei.progressbar.ProgressBar;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The peer's input, made before it is timed. Debezium's JDBC sink writes only records that carry a schema, and the
 * events topic holds plain JSON; without a schema registry the documented way is Kafka's JsonConverter with
 * schemas.enable=true, so every record of the preloaded topic is copied, same key and same partition, as a
 * {"schema":…,"payload":…} envelope whose fields are agent_events' columns (Debezium's own semantic types for uuid,
 * timestamptz and jsonb, so that it binds them as such), kafka_partition and kafka_offset those of the source record.
 */
final class PeerTopic {
    record Result(long records, long valueBytes, double seconds) {
    }

    private PeerTopic() {
    }

    static Result copy(String bootstrap, String from, String to, long events) {
        ObjectNode schema = schema();
        AtomicReference<Exception> failure = new AtomicReference<>();
        long copied = 0;
        long bytes = 0;
        long started = System.nanoTime();
        Map<String, Object> consumerConfig = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Map<String, Object> producerConfig = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4", ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024, ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
             ProgressBar bar = Progress.bar("schema'd copy for the peer", events, "ev")) {
            List<TopicPartition> partitions = consumer.partitionsFor(from).stream()
                    .map(p -> new TopicPartition(from, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (copied < events && failure.get() == null) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("copying " + from + " took over 10 minutes; " + copied + " of " + events);
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    byte[] value = envelope(schema, record);
                    bytes += value.length;
                    producer.send(new ProducerRecord<>(to, record.partition(), record.key(), value), (m, e) -> {
                        if (e != null) {
                            failure.compareAndSet(null, e);
                        }
                    });
                    copied++;
                }
                bar.stepTo(copied);
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("writing " + to + " failed", failure.get());
        }
        return new Result(copied, bytes, (System.nanoTime() - started) / 1e9);
    }

    static byte[] envelope(ObjectNode schema, ConsumerRecord<String, byte[]> record) {
        try {
            JsonNode event = EventJson.MAPPER.readTree(record.value());
            ObjectNode envelope = EventJson.MAPPER.createObjectNode();
            envelope.set("schema", schema);
            ObjectNode row = envelope.putObject("payload");
            for (String column : List.of("id", "run_id", "agent_id", "event_type")) {
                row.put(column, event.get(column).asText());
            }
            for (String column : List.of("occurred_at", "received_at")) {
                // Rounded as PostgreSQL and the sink round them: pgjdbc rounds a bound java.time value differently at exact
                // halves, and the peer's rows would then differ from the sink's in the last microsecond.
                row.put(column, EventCopyWriter.postgresRounded(Instant.parse(event.get(column).asText())).toString());
            }
            row.put("payload", event.get("payload").toString());
            row.put("kafka_partition", record.partition());
            row.put("kafka_offset", record.offset());
            return EventJson.MAPPER.writeValueAsBytes(envelope);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("record " + record.partition() + "/" + record.offset() + " is not an event", e);
        }
    }

    /** Connect's JSON schema of an agent_events row (stored_at keeps its default, now(), as with the sink). */
    static ObjectNode schema() {
        ObjectNode schema = EventJson.MAPPER.createObjectNode().put("type", "struct").put("optional", false)
                .put("name", "kyoyu.agent_events.Value");
        ArrayNode fields = schema.putArray("fields");
        field(fields, "id", "string", "io.debezium.data.Uuid");
        field(fields, "run_id", "string", "io.debezium.data.Uuid");
        field(fields, "agent_id", "string", null);
        field(fields, "event_type", "string", null);
        field(fields, "occurred_at", "string", "io.debezium.time.ZonedTimestamp");
        field(fields, "received_at", "string", "io.debezium.time.ZonedTimestamp");
        field(fields, "payload", "string", "io.debezium.data.Json");
        field(fields, "kafka_partition", "int32", null);
        field(fields, "kafka_offset", "int64", null);
        return schema;
    }

    private static void field(ArrayNode fields, String name, String type, String semanticType) {
        ObjectNode field = fields.addObject().put("field", name).put("type", type).put("optional", false);
        if (semanticType != null) {
            field.put("name", semanticType).put("version", 1);
        }
    }
}
