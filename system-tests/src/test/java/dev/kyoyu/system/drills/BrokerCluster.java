package dev.kyoyu.system.drills;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;

/** What a drill needs to know of a multi-broker cluster: whether every partition has all of its replicas in sync. */
final class BrokerCluster implements AutoCloseable {
    private final Admin admin;

    BrokerCluster(String bootstrap) {
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000));
    }

    /**
     * Partitions, of every topic the internal ones included, whose in-sync replicas are fewer than their replicas.
     * Fails while the cluster cannot answer (a poll with a deadline retries it).
     */
    int underReplicatedPartitions() throws Exception {
        Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get(5, TimeUnit.SECONDS);
        Collection<TopicDescription> descriptions = admin.describeTopics(topics).allTopicNames().get(5, TimeUnit.SECONDS).values();
        return (int) descriptions.stream().flatMap(t -> t.partitions().stream())
                .filter(p -> p.isr().size() < p.replicas().size() || p.leader() == null || p.leader().isEmpty())
                .count();
    }

    /** True once every partition has a leader and all replicas in sync; false (not an error) while it cannot tell. */
    boolean fullyReplicated() {
        try {
            return underReplicatedPartitions() == 0;
        } catch (Exception notYet) {
            return false;
        }
    }

    @Override
    public void close() {
        admin.close();
    }
}
