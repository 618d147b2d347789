package dev.kyoyu.bench.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.bench.BenchEnv;
import dev.kyoyu.testsupport.TestStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./kyoyu bench smoke} as a check that the e2e harness works against the real stack: every service starts,
 * the driver's events are all stored, the latency probes come back and a report is written. Not a performance gate.
 */
class E2eSmokeIT {
    @Test
    void smokeScenarioStoresEveryAcknowledgedEventAndWritesAReportWithLatencySamples(@TempDir Path out) throws Exception {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("KYOYU_KAFKA_BOOTSTRAP", TestStack.kafkaBootstrap());
        env.put("KYOYU_PG_URL", TestStack.adminPgUrl());
        env.put("KYOYU_PG_USER", TestStack.pgUser());
        env.put("KYOYU_PG_PASSWORD", TestStack.pgPassword());
        // Failsafe runs in bench/: the checkout whose service jars the harness starts is its parent.
        env.put("KYOYU_REPO", Path.of("").toAbsolutePath().getParent().toString());

        E2eResults results = E2eBench.measure(BenchEnv.fromEnv(env), List.of("--scenario=smoke", "--duration=5", "--out=" + out));

        E2eResults.Counts counts = results.counts();
        assertTrue(counts.sent() > 0, "the driver sent nothing");
        assertEquals(counts.sent(), counts.acknowledged(), "events sent but not acknowledged: " + counts.errors());
        assertEquals(counts.acknowledged(), counts.storedDistinct(), "acknowledged events not stored");
        assertEquals(0, counts.duplicated(), "events stored twice");
        assertTrue(results.eventLatencySamples() > 0, "no accepted-to-queryable latency sample");
        assertTrue(Files.isRegularFile(results.markdownFile()), "no report at " + results.markdownFile());
        assertTrue(Files.isRegularFile(results.markdownFile().resolveSibling(
                results.markdownFile().getFileName().toString().replace(".md", ".png"))), "no chart beside the report");
    }
}
