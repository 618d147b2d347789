package dev.kyoyu.service.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void doublesWithJitterUpToTheMaximumAndResets() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(800), new SplittableRandom(42));
        long[] ceilings = {100, 200, 400, 800, 800, 800};
        for (long ceiling : ceilings) {
            long delay = backoff.next().toMillis();
            assertTrue(delay >= ceiling / 2 && delay <= ceiling, "delay " + delay + " outside [" + ceiling / 2 + ", " + ceiling + "]");
        }
        assertEquals(6, backoff.attempts());
        backoff.reset();
        assertEquals(0, backoff.attempts());
        assertTrue(backoff.next().toMillis() <= 100);
    }
}
