package dev.kyoyu.bench.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SlopeTest {
    @Test
    void fitsTheTrendAndTheMeanLeavingOutMissingValues() {
        Slope.Fit fit = Slope.fit(new double[] {0, 1, 2, 3, 4}, new double[] {10, 12, Double.NaN, 16, 18});
        assertEquals(2.0, fit.perSecond(), 1e-9);
        assertEquals(14.0, fit.mean(), 1e-9);
    }

    @Test
    void aFlatSeriesHasNoSlope() {
        assertEquals(0.0, Slope.fit(new double[] {0, 1, 2}, new double[] {5, 5, 5}).perSecond(), 1e-9);
    }
}
