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
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 3, graceful shutdown: the ingest API gets SIGTERM while requests are in flight. It must stop
 * accepting, finish what it began, flush the producer and exit 0; whatever it acknowledged is in the
 * topic.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("drill: the ingest API gets SIGTERM in the middle of a load")
class GracefulShutdownIT {
    private LocalStack stack;
    private LoadGenerator.Report report;
    private long sigtermAt;
    private int exitStatus;
    private Map<UUID, Integer> topic;

    @BeforeAll
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void runDrill() {
        stack = LocalStack.isolated("graceful-shutdown");
        stack.up("ingest-api");
        // Back-to-back requests of 100 events from 6 clients: at any moment several are in flight.
        LoadGenerator load = LoadGenerator.builder(stack.ingestPort(), stack::token)
                .agents(KafkaProbe.agentsCovering("graceful", 6, 1))
                .clients(6).batchSize(100).pause(Duration.ofMillis(1))
                .clientIds(true)
                .requestTimeout(Duration.ofSeconds(20))
                .maxDuration(Duration.ofMinutes(2))
                .start();
        try {
            Await.until(Duration.ofSeconds(60), "3,000 events acknowledged", () -> load.acknowledgedCount() >= 3000);
            long pid = stack.pid("ingest-api");
            ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
            // Signalled from here rather than through ./kyoyu stop, so the instant of SIGTERM is known exactly.
            sigtermAt = System.nanoTime();
            process.destroy();
            Await.until(Duration.ofSeconds(40), "the ingest API exited", () -> !process.isAlive());
            Await.until(Duration.ofSeconds(5), "its exit status recorded", () -> stack.exitStatus("ingest-api").isPresent());
            exitStatus = stack.exitStatus("ingest-api").getAsInt();
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
    @DisplayName("after SIGTERM the process exits with status 0")
    void exitsZero() {
        assertEquals(0, exitStatus);
    }

    @Test
    @DisplayName("requests in flight at SIGTERM are finished: answered, never a 5xx")
    void finishesRequestsInFlight() {
        List<LoadGenerator.Sample> inFlight = report.matching(s -> s.startNanos() < sigtermAt && s.endNanos() > sigtermAt);
        System.out.println(inFlight.size() + " requests in flight at SIGTERM: "
                + inFlight.stream().map(s -> s.status() == LoadGenerator.NO_RESPONSE ? s.error() : Integer.toString(s.status())).toList());
        assertTrue(inFlight.stream().anyMatch(LoadGenerator.Sample::acknowledged), "no request in flight at SIGTERM was answered 202");
        assertTrue(inFlight.stream().noneMatch(s -> s.status() >= 500), "a request in flight at SIGTERM was answered 5xx");
        assertTrue(report.matching(s -> s.status() >= 500).isEmpty(), report::toString);
    }

    @Test
    @DisplayName("every acknowledged event id is in the topic, exactly once")
    void everyAcknowledgedEventIsInTheTopic() {
        Delivery.assertInTopicExactlyOnce(topic, report.acknowledged());
        assertTrue(report.anomalies().isEmpty(), () -> String.join("\n", report.anomalies()));
    }

    @Test
    @DisplayName("the topic holds nothing but events that were sent")
    void theTopicHoldsOnlySentEvents() {
        Delivery.assertTopicHoldsOnlySentEvents(topic, report);
    }
}
