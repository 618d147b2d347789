package dev.kyoyu.system.identity;

import dev.kyoyu.schemas.identity.AgentRecord;
import dev.kyoyu.schemas.identity.ApiKeyRecord;
import dev.kyoyu.schemas.identity.IdentityJson;
import dev.kyoyu.schemas.identity.IdentityRecord;
import dev.kyoyu.schemas.identity.Role;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Writes identity records straight to a test's identity topic, as the admin endpoints do: key = topicKey(). */
final class IdentityRecords implements AutoCloseable {
    private final String topic;
    private final KafkaProducer<String, byte[]> producer;

    IdentityRecords(String bootstrap, String topic) {
        this.topic = topic;
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 0),
                new StringSerializer(), new ByteArraySerializer());
    }

    void publish(IdentityRecord record) {
        send(record.topicKey(), IdentityJson.toBytes(record));
    }

    /** Any bytes under any key, e.g. a record no replica can read. */
    void send(String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish to " + topic, e);
        }
    }

    static AgentRecord agent(String agentId, Role role, boolean revoked, Instant tokensNotBefore) {
        return new AgentRecord(agentId, role, revoked, tokensNotBefore, tokensNotBefore, tokensNotBefore, "admin");
    }

    static ApiKeyRecord key(String keyId, String agentId, Instant expiresAt, Instant revokedAt) {
        return new ApiKeyRecord(keyId, agentId, "00".repeat(32), Instant.now().minusSeconds(3600), expiresAt, revokedAt);
    }

    @Override
    public void close() {
        producer.close();
    }
}
