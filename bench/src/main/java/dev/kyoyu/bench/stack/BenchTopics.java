package dev.kyoyu.bench.stack;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/** The benchmark's own topics on the stack's broker, deleted again at the end unless asked to keep them. */
public final class BenchTopics implements AutoCloseable {
    private final Admin admin;
    private final List<String> created = new ArrayList<>();
    private final boolean keep;

    public BenchTopics(String bootstrap, boolean keep) {
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        this.keep = keep;
    }

    /** A new topic named {@code bench.<purpose>.<random>}. */
    public String create(String purpose, int partitions) {
        String name = "bench." + purpose + "." + UUID.randomUUID().toString().substring(0, 8);
        try {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + name + " on the broker", e);
        }
        created.add(name);
        return name;
    }

    public int partitions(String topic) {
        try {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions().size();
        } catch (Exception e) {
            throw new IllegalStateException("cannot describe topic " + topic, e);
        }
    }

    /** Records per partition: the end offsets (fresh topics start at 0 and carry no transaction markers). */
    public List<Long> partitionSizes(String topic) {
        try {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            int partitions = partitions(topic);
            for (int p = 0; p < partitions; p++) {
                request.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            var offsets = admin.listOffsets(request).all().get(30, TimeUnit.SECONDS);
            List<Long> sizes = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                sizes.add(offsets.get(new TopicPartition(topic, p)).offset());
            }
            return sizes;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read end offsets of " + topic, e);
        }
    }

    public List<String> names() {
        return List.copyOf(created);
    }

    @Override
    public void close() {
        try {
            if (!keep && !created.isEmpty()) {
                admin.deleteTopics(created).all().get(60, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            System.err.println("could not delete the bench topics " + created + ": " + e.getMessage());
        } finally {
            admin.close();
        }
    }
}
