package dev.kyoyu.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;

/** Looks at any broker (an isolated stack's, say) from the outside: a topic's contents, a group's members. */
public final class KafkaProbe {
    private KafkaProbe() {
    }

    /**
     * Every record of the topic, from the beginning up to the end offsets as they are when called
     * (read_committed), or fails when that takes longer than {@code timeout}.
     */
    public static List<ConsumerRecord<String, byte[]>> readToEnd(String bootstrap, String topic, Duration timeout) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            while (partitions.stream().anyMatch(p -> consumer.position(p, timeout) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end offsets " + end + " within " + timeout);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /** How many members the consumer group has right now (0 when it is empty or unknown). */
    public static int groupMembers(String bootstrap, String group) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000))) {
            ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group))
                    .describedGroups().get(group).get(15, TimeUnit.SECONDS);
            return description.members().size();
        } catch (Exception e) {
            throw new IllegalStateException("cannot describe consumer group " + group + " at " + bootstrap, e);
        }
    }

    /** The partition Kafka's default partitioner picks for this key (murmur2, as the producer does). */
    public static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(java.nio.charset.StandardCharsets.UTF_8))) % partitions;
    }

    /**
     * Agent ids ({@code prefix-0}, {@code prefix-1}, …) chosen so that every one of {@code partitions}
     * partitions gets exactly {@code perPartition} of them: events are keyed by agent id, so a load
     * from these agents reaches every partition and every sink worker of a group.
     */
    public static List<String> agentsCovering(String prefix, int partitions, int perPartition) {
        int[] count = new int[partitions];
        List<String> agents = new ArrayList<>();
        for (int i = 0; agents.size() < partitions * perPartition; i++) {
            String agent = prefix + "-" + i;
            int partition = partitionOf(agent, partitions);
            if (count[partition] < perPartition) {
                count[partition]++;
                agents.add(agent);
            }
        }
        return agents;
    }
}
