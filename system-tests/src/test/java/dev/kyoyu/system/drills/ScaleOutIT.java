package dev.kyoyu.system.drills;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.testsupport.Await;
import dev.kyoyu.testsupport.KafkaProbe;
import dev.kyoyu.testsupport.LoadGenerator;
import dev.kyoyu.testsupport.LocalStack;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 4, scale-out: sink workers in one consumer group share the partitions; one is added mid-load,
 * one is stopped with SIGTERM (it drains, leaves the group at once and exits 0), one is killed with
 * SIGKILL. Nothing is lost or doubled.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("drill: sink workers join, leave and crash in the middle of a load")
class ScaleOutIT {
    private static final String STORED = "kyoyu_events_stored_total";
    /**
     * A member that sends LeaveGroup is gone from the group at once; one that does not is only dropped
     * after the session timeout, which this drill sets to {@link #SESSION_TIMEOUT}. 15 s tells the two apart
     * on a busy machine.
     */
    private static final Duration LEAVE_WITHIN = Duration.ofSeconds(15);
    private static final String SESSION_TIMEOUT = "45s";

    private LocalStack stack;
    private LoadGenerator.Report report;
    private double storedByFirst;
    private double storedBySecond;
    private double storedByThird;
    private int sigtermExitStatus;
    private Duration leftGroupAfter;

    @BeforeAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void runDrill() {
        stack = LocalStack.isolated("scale-out", Map.of("KYOYU_SINK_SESSION_TIMEOUT", SESSION_TIMEOUT));
        stack.up("ingest-api", "sink-worker");
        stack.start("sink-worker-2");
        // Two agents per partition: every partition, so every worker of the group, gets events.
        LoadGenerator load = LoadGenerator.builder(stack.ingestPort(), stack::token)
                .agents(KafkaProbe.agentsCovering("scale-out", 6, 2))
                .clients(4).batchSize(20).pause(Duration.ofMillis(50))
                .maxDuration(Duration.ofMinutes(4))
                .start();
        try {
            Await.until(Duration.ofSeconds(90), "both workers storing events", () ->
                    stack.metric(stack.sinkPort(1), STORED) > 0 && stack.metric(stack.sinkPort(2), STORED) > 0);
            storedByFirst = stack.metric(stack.sinkPort(1), STORED);
            storedBySecond = stack.metric(stack.sinkPort(2), STORED);

            stack.start("sink-worker-3");
            Await.until(Duration.ofSeconds(90), "the added worker taking a share", () ->
                    stack.metric(stack.sinkPort(3), STORED) > 0);
            storedByThird = stack.metric(stack.sinkPort(3), STORED);

            Await.until(Duration.ofSeconds(30), "three members in the group",
                    () -> KafkaProbe.groupMembers(stack.kafkaBootstrap(), LocalStack.SINK_GROUP) == 3);
            long stopped = System.nanoTime();
            stack.stop("sink-worker-2");
            sigtermExitStatus = stack.exitStatus("sink-worker-2").orElseThrow();
            Await.until(LEAVE_WITHIN, "the stopped worker gone from the group",
                    () -> KafkaProbe.groupMembers(stack.kafkaBootstrap(), LocalStack.SINK_GROUP) == 2);
            leftGroupAfter = Duration.ofNanos(System.nanoTime() - stopped);

            long before = Delivery.storedCount(stack);
            stack.kill("sink-worker-3");
            Await.until(Duration.ofSeconds(90), "the surviving worker storing on", () -> Delivery.storedCount(stack) >= before + 500);
        } finally {
            report = load.stop();
            System.out.println(report);
        }
        // The killed worker's partitions move to the survivor only after the session timeout.
        Delivery.awaitStored(stack, report.acknowledged().size(), Duration.ofSeconds(120));
    }

    @AfterAll
    void tearDown() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @DisplayName("two workers in one group share the partitions: both store events")
    void twoWorkersShareTheLoad() {
        assertTrue(storedByFirst > 0 && storedBySecond > 0, () -> "stored: " + storedByFirst + " and " + storedBySecond);
    }

    @Test
    @DisplayName("a worker added mid-load takes a share")
    void anAddedWorkerTakesAShare() {
        assertTrue(storedByThird > 0);
    }

    @Test
    @DisplayName("SIGTERM: the worker drains, exits 0 and leaves the group at once")
    void sigtermDrainsExitsZeroAndLeavesTheGroup() {
        assertEquals(0, sigtermExitStatus, "exit status after SIGTERM");
        System.out.println("the stopped worker left the group " + leftGroupAfter.toMillis() + " ms after SIGTERM");
    }

    @Test
    @DisplayName("the ingest API acknowledged the whole load")
    void ingestAcknowledgedEverything() {
        assertEquals(Set.of(202), report.statusCounts().keySet(), report::toString);
        assertTrue(report.anomalies().isEmpty(), () -> String.join("\n", report.anomalies()));
    }

    @Test
    @DisplayName("every acknowledged event is in agent_events exactly once")
    void everyAcknowledgedEventIsStoredExactlyOnce() {
        Delivery.assertStoredExactlyOnce(stack, report.acknowledged());
    }
}
