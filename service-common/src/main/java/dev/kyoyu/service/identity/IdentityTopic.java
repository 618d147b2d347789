package dev.kyoyu.service.identity;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the identity topic when it is missing: one partition (one order for every identity record), compacted
 * (the latest state per key is kept for ever; nothing is tombstoned), replication factor and min.insync.replicas
 * the cluster's defaults, like the other topics. Brokers run with auto-creation off, so whichever process needs the
 * topic first creates it; a concurrent creation by another replica is the state we want.
 */
public final class IdentityTopic {
    private static final Logger LOG = LoggerFactory.getLogger(IdentityTopic.class);
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private IdentityTopic() {
    }

    public static void ensure(String bootstrap, String topic) {
        ensure(bootstrap, topic, DEFAULT_TIMEOUT);
    }

    /** @param timeout the whole of it: a broker that does not answer within it is an error */
    public static void ensure(String bootstrap, String topic, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int millis = (int) Math.max(1000, timeout.toMillis());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(millis, 30_000)))) {
            Optional<TopicDescription> existing = describe(admin, topic, deadline);
            if (existing.isPresent()) {
                if (existing.get().partitions().size() != 1) {
                    throw new IllegalStateException("identity topic " + topic + " has " + existing.get().partitions().size()
                            + " partitions; it must have exactly one, so every replica applies identity records in one order");
                }
                return;
            }
            NewTopic identities = new NewTopic(topic, Optional.of(1), Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            try {
                admin.createTopics(List.of(identities)).all().get(left(deadline), TimeUnit.NANOSECONDS);
                LOG.info("created identity topic {} (1 partition, compacted)", topic);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            awaitVisible(admin, topic, deadline);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create the identity topic " + topic + " on " + bootstrap, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the identity topic", e);
        }
    }

    private static long left(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    private static Optional<TopicDescription> describe(Admin admin, String topic, long deadline)
            throws ExecutionException, TimeoutException, InterruptedException {
        try {
            return Optional.of(admin.describeTopics(List.of(topic)).allTopicNames().get(left(deadline), TimeUnit.NANOSECONDS).get(topic));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** A created topic reaches the brokers' metadata a moment later; a consumer that looks before then finds no partition. */
    private static void awaitVisible(Admin admin, String topic, long deadline)
            throws ExecutionException, TimeoutException, InterruptedException {
        while (describe(admin, topic, deadline).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("identity topic " + topic + " was created but is not visible");
            }
            Thread.sleep(100);
        }
    }
}
