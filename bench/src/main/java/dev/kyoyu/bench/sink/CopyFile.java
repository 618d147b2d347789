package dev.kyoyu.bench.sink;

import dev.kyoyu.bench.report.Progress;
import dev.kyoyu.sink.consume.RecordDecoder;
import dev.kyoyu.sink.copy.PositionedEvent;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import me.tongfei.progressbar.ProgressBar;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the preloaded topic back and writes every record as the row the sink COPYs for it, through
 * sink-worker's own RecordDecoder and row format, once per COPY format: the input of the raw baselines.
 */
final class CopyFile {
    record Result(long rows, Map<CopyFormat, Long> bytes) {
    }

    private CopyFile() {
    }

    static Result write(String bootstrap, String topic, long expected, Map<CopyFormat, Path> files) throws IOException {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 32 * 1024 * 1024);
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
        Map<CopyFormat, OutputStream> outs = new EnumMap<>(CopyFormat.class);
        long rows = 0;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
             ProgressBar bar = Progress.bar("COPY files", expected, "rows")) {
            for (Map.Entry<CopyFormat, Path> file : files.entrySet()) {
                OutputStream out = new BufferedOutputStream(Files.newOutputStream(file.getValue()), 4 << 20);
                outs.put(file.getKey(), out);
                out.write(file.getKey().header());
            }
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            RecordDecoder decoder = new RecordDecoder();
            ByteArrayOutputStream row = new ByteArrayOutputStream(4096);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    PositionedEvent event;
                    try {
                        event = decoder.decode(record);
                    } catch (RecordDecoder.PoisonRecordException e) {
                        throw new IllegalStateException("the sink would dead-letter " + record.topic() + "-" + record.partition()
                                + "@" + record.offset() + ": " + e.getMessage(), e);
                    }
                    for (Map.Entry<CopyFormat, OutputStream> out : outs.entrySet()) {
                        out.getKey().formatRow(event, row);
                        row.writeTo(out.getValue());
                        row.reset();
                    }
                    rows++;
                }
                bar.stepTo(rows);
            }
            for (Map.Entry<CopyFormat, OutputStream> out : outs.entrySet()) {
                out.getValue().write(out.getKey().trailer());
            }
        } finally {
            for (OutputStream out : outs.values()) {
                out.close();
            }
        }
        Map<CopyFormat, Long> bytes = new EnumMap<>(CopyFormat.class);
        for (Map.Entry<CopyFormat, Path> file : files.entrySet()) {
            // On disk before any measurement: the kernel writing hundreds of MB back would slow the first raw COPY.
            try (FileChannel channel = FileChannel.open(file.getValue(), StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            bytes.put(file.getKey(), Files.size(file.getValue()));
        }
        return new Result(rows, bytes);
    }
}
