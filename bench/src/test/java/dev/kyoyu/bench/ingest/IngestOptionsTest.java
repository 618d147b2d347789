package dev.kyoyu.bench.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class IngestOptionsTest {
    private static final Path REPO = Path.of("/tmp/kyoyu-checkout");

    @Test
    void runsRateLimitingInProcessByDefaultAndAnyModesAskedForInTheirOrder() {
        assertEquals(List.of("in-process"), IngestOptions.parse(List.of(), REPO).rateModes());
        assertEquals(List.of("off", "in-process", "redis"),
                IngestOptions.parse(List.of("--rate-limits=off,in-process,redis"), REPO).rateModes());
    }

    @Test
    void refusesAnUnknownOrRepeatedMode() {
        for (String value : List.of("--rate-limits=fast", "--rate-limits=off,off", "--rate-limits=")) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> IngestOptions.parse(List.of(value), REPO), value);
            assertTrue(e.getMessage().contains("--rate-limits"), e.getMessage());
        }
    }

    @Test
    void everyModeButOffSetsLimitsFarAboveTheLoad() {
        assertEquals("off", IngestBench.rateLimitEnv("off").get("KYOYU_RATE_LIMITS"));
        assertEquals("100000000/s", IngestBench.rateLimitEnv("in-process").get("KYOYU_RATE_INGEST_EVENTS"));
        assertEquals(null, IngestBench.rateLimitEnv("in-process").get("KYOYU_REDIS_URL"), "in-process buckets, no Redis");
    }
}
