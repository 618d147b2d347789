package dev.kyoyu.system.drills;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.testsupport.Await;
import dev.kyoyu.testsupport.KafkaProbe;
import dev.kyoyu.testsupport.LoadGenerator;
import dev.kyoyu.testsupport.LocalStack;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 3, durable acknowledgement: the broker is stopped in the middle of a steady load and started
 * again. Agents must hear 503 with Retry-After, quickly, for what Kafka could not take, and 202 only
 * for what it did; reading the topic afterwards proves it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("drill: Kafka stops in the middle of a load")
class KafkaOutageIT {
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(3);
    /** Request handling beyond the broker wait: validation, JSON, HTTP, a busy 2-core machine. */
    private static final Duration MARGIN = Duration.ofSeconds(2);

    private LocalStack stack;
    private LocalStack.HealthProbe healthDuringOutage;
    private LocalStack.HealthProbe healthAfter;
    private LoadGenerator.Report report;
    private long kafkaStoppedAt;
    private long kafkaBackAt;
    private Map<UUID, Integer> topic;

    @BeforeAll
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void runDrill() {
        stack = LocalStack.isolated("kafka-outage", Map.of("KYOYU_INGEST_ACK_TIMEOUT", "3s"));
        stack.up("ingest-api");
        LoadGenerator load = LoadGenerator.builder(stack.ingestPort(), stack::token)
                .agents(KafkaProbe.agentsCovering("kafka-outage", 6, 1))
                .clients(4).batchSize(20).pause(Duration.ofMillis(50))
                .clientIds(true)
                .maxDuration(Duration.ofMinutes(3))
                .start();
        try {
            Await.until(Duration.ofSeconds(60), "1,000 events acknowledged before the outage", () -> load.acknowledgedCount() >= 1000);

            kafkaStoppedAt = System.nanoTime();
            stack.stop("kafka");
            // Several rounds of 503 per client: the API keeps refusing for as long as the broker is away.
            Await.until(Duration.ofSeconds(60), "a dozen requests answered 503 while Kafka is down",
                    () -> load.countSince(kafkaStoppedAt, 503) >= 12);
            Await.until(Duration.ofSeconds(30), "ingest-api's /health answering 503 while Kafka is down",
                    () -> stack.health(stack.ingestPort()).status() == 503);
            healthDuringOutage = stack.health(stack.ingestPort());

            stack.start("kafka");
            kafkaBackAt = System.nanoTime();
            Await.until(Duration.ofSeconds(60), "50 requests acknowledged again after Kafka returned",
                    () -> load.countSince(kafkaBackAt, 202) >= 50);
            Await.until(Duration.ofSeconds(30), "ingest-api's /health answering 200 once Kafka is back",
                    () -> stack.health(stack.ingestPort()).status() == 200);
            healthAfter = stack.health(stack.ingestPort());
        } finally {
            report = load.stop();
            System.out.println(report);
        }
        topic = Delivery.topicIdCounts(stack);
    }

    @AfterAll
    void tearDown() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @DisplayName("ingest-api's /health is 503 naming Kafka while it is down, and 200 once it is back")
    void healthFollowsTheBroker() {
        assertEquals(503, healthDuringOutage.status(), healthDuringOutage.body());
        assertTrue(healthDuringOutage.body().contains("\"kafka\":\"unreachable"), healthDuringOutage.body());
        assertEquals(200, healthAfter.status(), healthAfter.body());
    }

    @Test
    @DisplayName("while Kafka is down, requests are answered 503 with Retry-After")
    void answers503WithRetryAfterWhileKafkaIsDown() {
        List<LoadGenerator.Sample> unavailable = report.matching(s -> s.status() == 503);
        assertTrue(unavailable.size() >= 12, report::toString);
        assertTrue(unavailable.stream().allMatch(s -> s.retryAfter() != null && s.retryAfter().matches("[1-9][0-9]*")),
                () -> "a 503 without a Retry-After in seconds: " + unavailable.stream().filter(s -> s.retryAfter() == null).findFirst());
    }

    @Test
    @DisplayName("every request is answered within the ack timeout (3 s) plus a margin, outage or not")
    void answersEveryRequestWithinTheAckTimeout() {
        Duration bound = ACK_TIMEOUT.plus(MARGIN);
        List<LoadGenerator.Sample> slow = report.matching(s -> s.latency().compareTo(bound) > 0);
        assertTrue(slow.isEmpty(), () -> slow.size() + " requests took longer than " + bound.toMillis() + " ms, e.g. "
                + slow.stream().limit(3).map(s -> s.status() + " after " + s.latency().toMillis() + " ms").toList());
    }

    @Test
    @DisplayName("the only answers are 202 and 503: never a 500, never a dropped connection")
    void answersOnly202Or503() {
        assertEquals(Set.of(202, 503), report.statusCounts().keySet(), report::toString);
        assertTrue(report.anomalies().isEmpty(), () -> String.join("\n", report.anomalies()));
    }

    @Test
    @DisplayName("once Kafka is back, requests are acknowledged again")
    void acknowledgesAgainOnceKafkaIsBack() {
        assertTrue(report.matching(s -> s.startNanos() >= kafkaBackAt && s.acknowledged()).size() >= 50, report::toString);
    }

    @Test
    @DisplayName("every acknowledged event id is in the topic, exactly once")
    void everyAcknowledgedEventIsInTheTopic() {
        Delivery.assertInTopicExactlyOnce(topic, report.acknowledged());
    }

    @Test
    @DisplayName("the topic holds nothing but events that were sent; 503'd ones may or may not be there")
    void theTopicHoldsOnlySentEvents() {
        Delivery.assertTopicHoldsOnlySentEvents(topic, report);
        long refusedButStored = report.unacknowledged().stream().filter(topic::containsKey).count();
        System.out.println(refusedButStored + " of " + report.unacknowledged().size()
                + " events answered 503 reached the topic anyway (allowed: the agent sends them again, and ids dedupe)");
    }
}
