package dev.kyoyu.bench.ingest;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What the ingest API really published: the mean key and value size of the records on its topic (the record
 * size for the baseline), and a file of real record values, one per line, for ProducerPerformance's --payload-file.
 */
final class TopicSample {
    record Sizes(long records, double meanValueBytes, double meanKeyBytes, int payloadLines) {
    }

    private TopicSample() {
    }

    static Sizes measure(String bootstrap, String topic, long maxRecords, Path payloadFile, int maxPayloadLines) throws IOException {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        long records = 0;
        long valueBytes = 0;
        long keyBytes = 0;
        int lines = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
             OutputStream out = new BufferedOutputStream(Files.newOutputStream(payloadFile), 1 << 20)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long total = end.values().stream().mapToLong(Long::longValue).sum();
            long limit = Math.min(total, maxRecords);
            // Every n-th record goes to the payload file, so it samples the whole run, not just its start.
            long every = Math.max(1, limit / maxPayloadLines);
            while (records < limit && partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    records++;
                    valueBytes += record.value().length;
                    keyBytes += record.key() == null ? 0 : record.key().length;
                    if (records % every == 0 && lines < maxPayloadLines && indexOf(record.value(), (byte) '\n') < 0) {
                        out.write(record.value());
                        out.write('\n');
                        lines++;
                    }
                }
            }
        }
        return new Sizes(records, records == 0 ? 0 : (double) valueBytes / records, records == 0 ? 0 : (double) keyBytes / records, lines);
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
