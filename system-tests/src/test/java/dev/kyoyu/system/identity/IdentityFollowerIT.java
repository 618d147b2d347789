package dev.kyoyu.system.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.service.identity.IdentityFollower;
import dev.kyoyu.service.identity.IdentityFollowerSettings;
import dev.kyoyu.service.identity.IdentityView;
import dev.kyoyu.testsupport.ServiceEnv;
import dev.kyoyu.testsupport.TestStack;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The follower on its own, against the real broker: topic creation, the startup catch-up and its bound. */
class IdentityFollowerIT {

    private static IdentityFollowerSettings settings(String topic, Duration startupWait) {
        return new IdentityFollowerSettings(topic, Duration.ofMillis(200), startupWait, Duration.ofSeconds(30));
    }

    @Test
    @DisplayName("a missing identity topic is created with one partition and cleanup.policy=compact")
    void createsTheTopicCompacted() throws Exception {
        String topic = ServiceEnv.identitiesTopic();
        try (IdentityFollower follower = IdentityFollower.start(TestStack.kafkaBootstrap(), settings(topic, Duration.ofSeconds(30)),
                new IdentityView(), new SimpleMeterRegistry())) {
            assertTrue(follower.health().ready(), () -> String.valueOf(follower.health().detail()));
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestStack.kafkaBootstrap()))) {
            assertEquals(1, admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions().size());
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
            assertEquals("compact", config.get("cleanup.policy").value());
        }
    }

    @Test
    @DisplayName("when start returns, the view holds every record the topic held before, the latest per key")
    void startReturnsOnceCaughtUp() {
        String topic = ServiceEnv.identitiesTopic();
        try (IdentityFollower creator = IdentityFollower.start(TestStack.kafkaBootstrap(), settings(topic, Duration.ofSeconds(30)),
                new IdentityView(), new SimpleMeterRegistry());
             IdentityRecords records = new IdentityRecords(TestStack.kafkaBootstrap(), topic)) {
            for (int i = 0; i < 200; i++) {
                records.publish(IdentityRecords.agent("agent-" + i, Role.AGENT, false, Instant.now()));
            }
            records.publish(IdentityRecords.agent("agent-7", Role.READER, true, Instant.now()));
        }

        IdentityView view = new IdentityView();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (IdentityFollower follower = IdentityFollower.start(TestStack.kafkaBootstrap(), settings(topic, Duration.ofSeconds(30)),
                view, registry)) {
            assertEquals(200, view.agents().size());
            assertTrue(view.agent("agent-7").orElseThrow().revoked());
            assertEquals(201.0, registry.get("kyoyu.identity.records.applied").counter().count());
        }
    }

    @Test
    @DisplayName("without Kafka a replica starts with its view unloaded (not ready, tokens not judged); a one-off read fails naming the setting")
    void withoutKafkaTheViewStaysUnloaded() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        IdentityView view = new IdentityView();
        try (IdentityFollower follower = IdentityFollower.start("127.0.0.1:" + closedPort,
                settings(ServiceEnv.identitiesTopic(), Duration.ofSeconds(2)), view, new SimpleMeterRegistry())) {
            assertFalse(view.ready(), "a view that never reached the topic's end must not judge tokens");
            assertFalse(follower.health().ready(), () -> String.valueOf(follower.health().detail()));
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> IdentityFollower.readOnce("127.0.0.1:" + closedPort,
                settings(ServiceEnv.identitiesTopic(), Duration.ofSeconds(2))));
        assertTrue(e.getMessage().contains("KYOYU_IDENTITY_STARTUP_WAIT"), e.getMessage());
    }
}
