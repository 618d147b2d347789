package dev.kyoyu.ingest.admin;

import dev.kyoyu.schemas.event.AgentEvent;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.schemas.identity.IdentityJson;
import dev.kyoyu.schemas.identity.IdentityRecord;
import dev.kyoyu.service.http.ApiException;
import dev.kyoyu.service.identity.IdentityView;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes one admin action, its identity records and its audit events, in ONE Kafka transaction: a reader of either
 * topic (read_committed) sees all of it or none. Its own transactional producer, with a transactional.id unique to
 * this process, so replicas never fence each other. After the commit the records are applied to this process's
 * {@link IdentityView} at once, so the replica that answered sees its own write before its follower reads it back.
 */
public final class AdminPublisher implements AutoCloseable {
    static final Duration RETRY_AFTER = Duration.ofSeconds(2);
    private static final Logger LOG = LoggerFactory.getLogger(AdminPublisher.class);

    private final Map<String, Object> settings;
    private final String identitiesTopic;
    private final String eventsTopic;
    private final IdentityView view;
    /** Made on first use and again after a failure (a producer whose transaction failed may be unusable). */
    private KafkaProducer<String, byte[]> producer;

    public AdminPublisher(String bootstrap, String identitiesTopic, String eventsTopic, Duration timeout, IdentityView view) {
        this.identitiesTopic = identitiesTopic;
        this.eventsTopic = eventsTopic;
        this.view = view;
        long ms = timeout.toMillis();
        this.settings = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "kyoyu-ingest-admin-" + UUID.randomUUID(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, ms,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1000, ms / 2),
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(2000, ms),
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) Math.max(10_000, 3 * ms));
    }

    /** All or nothing; answers 503 with Retry-After when the log does not confirm the transaction in time. */
    public synchronized void publish(List<IdentityRecord> records, List<AgentEvent> audit) {
        try {
            KafkaProducer<String, byte[]> p = producer();
            p.beginTransaction();
            for (IdentityRecord record : records) {
                p.send(new ProducerRecord<>(identitiesTopic, record.topicKey(), IdentityJson.toBytes(record)));
            }
            for (AgentEvent event : audit) {
                p.send(new ProducerRecord<>(eventsTopic, event.agentId(), EventJson.toBytes(event)));
            }
            p.commitTransaction();
        } catch (KafkaException e) {
            // The next producer, under the same transactional.id, aborts whatever this one left open; a commit whose
            // answer was lost may still have landed, which is why the client is told to look before it repeats.
            discard();
            throw ApiException.unavailable("the identity log did not confirm the change in time; send it again (GET the agent first: a change whose confirmation was lost may have landed)",
                    RETRY_AFTER, e);
        }
        records.forEach(view::apply);
    }

    private KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            KafkaProducer<String, byte[]> fresh = new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer());
            try {
                fresh.initTransactions();
            } catch (KafkaException e) {
                fresh.close(Duration.ZERO);
                throw e;
            }
            producer = fresh;
        }
        return producer;
    }

    private void discard() {
        if (producer != null) {
            try {
                producer.close(Duration.ZERO);
            } catch (KafkaException e) {
                LOG.warn("closing the admin producer after a failed transaction failed too", e);
            }
            producer = null;
        }
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(10));
            producer = null;
        }
    }
}
