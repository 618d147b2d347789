package dev.kyoyu.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PercentilesTest {
    @Test
    void nearestRank() {
        Percentiles p = new Percentiles(new long[] {5, 1, 4, 2, 3, 10, 9, 8, 7, 6});
        assertEquals(5, p.at(50));
        assertEquals(10, p.at(95));
        assertEquals(10, p.at(99));
        assertEquals(1, p.at(0));
        assertEquals(10, p.max());
        assertEquals(5.5, p.mean());
    }

    @Test
    void emptyIsZero() {
        assertEquals(0, new Percentiles(new long[0]).at(99));
    }
}
