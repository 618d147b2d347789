package dev.kyoyu.bench.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PacerTest {
    private static final long MS = 1_000_000L;

    @Test
    void fiveThousandEventsPerSecondInBatchesOfAHundredIsARequestEvery20Ms() {
        Pacer pacer = new Pacer(5000, 100);
        assertEquals(20.0, pacer.intervalMillis(), 1e-9);
        assertEquals(0, pacer.dueAt(0));
        assertEquals(20 * MS, pacer.dueAt(1));
        assertEquals(1_000 * MS, pacer.dueAt(50));
    }

    @Test
    void theFirstRequestIsDueAtOnceAndOneMoreEachInterval() {
        Pacer pacer = new Pacer(5000, 100);
        assertEquals(0, pacer.dueBy(-1));
        assertEquals(1, pacer.dueBy(0));
        assertEquals(1, pacer.dueBy(20 * MS - 1));
        assertEquals(2, pacer.dueBy(20 * MS));
        assertEquals(51, pacer.dueBy(1_000 * MS));
    }

    @Test
    void aFractionalIntervalDoesNotDriftOverLongRuns() {
        Pacer pacer = new Pacer(3000, 100);
        assertEquals(33.333, pacer.intervalMillis(), 1e-3);
        // An hour at 30 requests a second: 108,000 requests, the last exactly on the hour.
        assertEquals(3_600_000 * MS, pacer.dueAt(108_000));
        assertEquals(108_001, pacer.dueBy(3_600_000 * MS));
    }

    @Test
    void aScheduleThatFellBehindMakesEveryMissedRequestDueAtOnce() {
        Pacer pacer = new Pacer(5000, 100);
        // Woken 95 ms late after request 0: requests 1 to 4 are all overdue, so the open loop sends them now.
        assertEquals(5, pacer.dueBy(95 * MS));
    }

    @Test
    void rateIsEventsOverElapsedTime() {
        assertEquals(5000.0, Pacer.rate(50_000, 10_000 * MS), 1e-9);
        assertEquals(0.0, Pacer.rate(10, 0));
    }

    @Test
    void refusesANonPositiveRateOrBatch() {
        assertThrows(IllegalArgumentException.class, () -> new Pacer(0, 100));
        assertThrows(IllegalArgumentException.class, () -> new Pacer(5000, 0));
    }
}
