package dev.kyoyu.stream.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics this app writes, idempotently, before Kafka Streams starts: brokers here run with topic
 * auto-creation off, so that a mistyped name fails loudly. The topic it reads must already exist (the ingest
 * API's); starting without it is a configuration error, reported as such.
 */
public final class TopicSetup {
    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);
    private static final long TIMEOUT_SECONDS = 30;

    private TopicSetup() {
    }

    public static void ensure(String bootstrap, String requiredTopic, List<String> ownTopics, int partitions, short replication) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS)))) {
            Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (!existing.contains(requiredTopic)) {
                throw new IllegalStateException("topic " + requiredTopic + " does not exist; it is the ingest API's and must be created first");
            }
            List<NewTopic> missing = new ArrayList<>();
            for (String topic : ownTopics) {
                if (!existing.contains(topic)) {
                    missing.add(new NewTopic(topic, partitions, replication));
                }
            }
            for (var created : admin.createTopics(missing).values().entrySet()) {
                try {
                    created.getValue().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    LOG.info("created topic {} ({} partitions, replication {})", created.getKey(), partitions, replication);
                } catch (ExecutionException e) {
                    // Another instance created it meanwhile: that is the state we want.
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            awaitVisible(admin, ownTopics);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create the decision stream's topics on " + bootstrap, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    /**
     * A created topic reaches the brokers' metadata a moment later; a Streams client that looks before then
     * finds a source topic missing and stops. So look until a broker describes them all.
     */
    private static void awaitVisible(Admin admin, List<String> topics) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (true) {
            try {
                admin.describeTopics(topics).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw new IllegalStateException("topics " + topics + " were created but are not visible", e);
                }
                Thread.sleep(100);
            }
        }
    }
}
