package dev.kyoyu.system.drills;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.testsupport.Await;
import dev.kyoyu.testsupport.KafkaProbe;
import dev.kyoyu.testsupport.LoadGenerator;
import dev.kyoyu.testsupport.LocalStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 4, exactly once: the only sink worker is killed with SIGKILL while it is writing, and
 * restarted, several times under a steady load. Its offsets live in the COPY's transaction, so each
 * restart resumes exactly where the last commit left off.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("drill: the sink worker is killed with SIGKILL mid-load, twice")
class SinkCrashIT {
    /**
     * Each crash costs the consumer's session timeout (KYOYU_SINK_SESSION_TIMEOUT, 10 s) before the restarted
     * worker gets the partitions back; a second crash already shows recovery is repeatable (it kills a worker
     * that itself resumed from a crash), a third would only add more of the same.
     */
    private static final int CRASHES = 2;
    /** Events the sink must store between crashes, to be sure it is killed while writing. */
    private static final int PROGRESS = 300;
    /**
     * A restarted worker gets the partitions once the group has dropped the killed member, which
     * takes the consumer's session timeout (10 s by default) after the kill; the rest is margin for a busy machine.
     */
    private static final Duration RESUME = Duration.ofSeconds(90);

    private LocalStack stack;
    private LoadGenerator.Report report;
    private final List<Integer> exitStatuses = new ArrayList<>();

    @BeforeAll
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void runDrill() {
        stack = LocalStack.isolated("sink-crash");
        stack.up("ingest-api", "sink-worker");
        LoadGenerator load = LoadGenerator.builder(stack.ingestPort(), stack::token)
                .agents(KafkaProbe.agentsCovering("sink-crash", 6, 1))
                .clients(3).batchSize(20).pause(Duration.ofMillis(50))
                .maxDuration(Duration.ofMinutes(5))
                .start();
        try {
            for (int crash = 1; crash <= CRASHES; crash++) {
                awaitProgress(crash == 1 ? "before the first crash" : "after restart " + (crash - 1));
                stack.kill("sink-worker");
                exitStatuses.add(stack.exitStatus("sink-worker").orElseThrow());
                stack.start("sink-worker");
            }
            awaitProgress("after the last restart");
        } finally {
            report = load.stop();
            System.out.println(report);
        }
        Delivery.awaitStored(stack, report.acknowledged().size(), RESUME);
    }

    private void awaitProgress(String when) {
        long before = Delivery.storedCount(stack);
        Await.until(RESUME, PROGRESS + " more events stored " + when, () -> Delivery.storedCount(stack) >= before + PROGRESS);
    }

    @AfterAll
    void tearDown() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @DisplayName("each crash is a real SIGKILL (exit status 137), " + CRASHES + " times")
    void crashesAreSigkills() {
        assertEquals(Collections.nCopies(CRASHES, 137), exitStatuses);
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
