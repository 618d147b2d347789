package dev.kyoyu.bench.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.bench.TestBenchEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./kyoyu bench smoke} as a check that the e2e harness works against the real stack: every service starts,
 * the driver's events are all stored, the latency probes come back and a report is written. Not a performance gate.
 */
class E2eSmokeIT {
    @Test
    void smokeScenarioStoresEveryAcknowledgedEventAndWritesAReportWithLatencySamples(@TempDir Path out) throws Exception {
        E2eResults results = E2eBench.measure(TestBenchEnv.onTestStack(), List.of("--scenario=smoke", "--duration=5", "--out=" + out));

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
