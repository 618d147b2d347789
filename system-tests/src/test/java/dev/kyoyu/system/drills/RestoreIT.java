package dev.kyoyu.system.drills;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.testsupport.Await;
import dev.kyoyu.testsupport.KafkaProbe;
import dev.kyoyu.testsupport.LoadGenerator;
import dev.kyoyu.testsupport.LocalStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
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
 * Issue 4, replay after a restore: the database is backed up after phase A, more is ingested in
 * phase B, then the backup is restored (what an SRE does after losing the database). The restored
 * sink_offsets say where the sink stood at backup time, so a restarted sink re-delivers exactly
 * phase B from Kafka, by itself.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("drill: the database is restored from a backup older than the last events")
class RestoreIT {
    private LocalStack stack;
    private LoadGenerator.Report phaseA;
    private LoadGenerator.Report phaseB;
    private Set<UUID> storedAfterRestore;

    @BeforeAll
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void runDrill() {
        stack = LocalStack.isolated("restore");
        stack.up("ingest-api", "sink-worker");

        phaseA = loadAndStore("restore-a");
        Path backup = stack.home().resolve("after-phase-a.dump");
        stack.run("backup", backup.toString());

        phaseB = loadAndStore("restore-b");
        stack.stop("sink-worker");
        stack.run("restore", backup.toString());
        storedAfterRestore = new HashSet<>(Delivery.storedIds(stack));

        stack.start("sink-worker");
        Delivery.awaitStored(stack, phaseA.acknowledged().size() + phaseB.acknowledged().size(), Duration.ofSeconds(60));
    }

    /** A load of known size (2 clients × 25 requests × 20 events), then waits until the sink stored all of it. */
    private LoadGenerator.Report loadAndStore(String agents) {
        long storedBefore = Delivery.storedCount(stack);
        LoadGenerator load = LoadGenerator.builder(stack.ingestPort(), stack::token)
                .agents(KafkaProbe.agentsCovering(agents, 6, 1))
                .clients(2).batchSize(20).pause(Duration.ofMillis(20))
                .maxRequestsPerClient(25)
                .start();
        LoadGenerator.Report report;
        try {
            Await.until(Duration.ofSeconds(60), "the " + agents + " load sent", load::finished);
        } finally {
            report = load.stop();
            System.out.println(report);
        }
        Delivery.awaitStored(stack, storedBefore + report.acknowledged().size(), Duration.ofSeconds(60));
        return report;
    }

    @AfterAll
    void tearDown() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @DisplayName("both phases were acknowledged in full")
    void bothPhasesAcknowledged() {
        assertEquals(Set.of(202), phaseA.statusCounts().keySet(), phaseA::toString);
        assertEquals(Set.of(202), phaseB.statusCounts().keySet(), phaseB::toString);
        assertEquals(1000, phaseA.acknowledged().size());
        assertEquals(1000, phaseB.acknowledged().size());
    }

    @Test
    @DisplayName("the restore takes the database back to the backup: phase A, none of phase B")
    void restoreReturnsToTheBackup() {
        assertEquals(phaseA.acknowledged(), storedAfterRestore);
    }

    @Test
    @DisplayName("the restarted sink re-delivers the missing tail by itself: A and B, each exactly once")
    void sinkRedeliversTheMissingTailExactlyOnce() {
        Set<UUID> both = new HashSet<>(phaseA.acknowledged());
        both.addAll(phaseB.acknowledged());
        assertTrue(both.size() == 2000, "phases A and B share no ids");
        Delivery.assertStoredExactlyOnce(stack, both);
    }
}
