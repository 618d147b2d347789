package dev.kyoyu.bench.e2e;

/** Least-squares line through (x, y) points, NaN values left out: is a series flat or does it trend? */
final class Slope {
    record Fit(double mean, double perSecond) {
    }

    private Slope() {
    }

    static Fit fit(double[] x, double[] y) {
        double n = 0;
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        for (int i = 0; i < x.length; i++) {
            if (Double.isNaN(y[i])) {
                continue;
            }
            n++;
            sx += x[i];
            sy += y[i];
            sxx += x[i] * x[i];
            sxy += x[i] * y[i];
        }
        if (n < 2) {
            return new Fit(n == 1 ? sy : Double.NaN, Double.NaN);
        }
        double denominator = n * sxx - sx * sx;
        return new Fit(sy / n, denominator == 0 ? 0 : (n * sxy - sx * sy) / denominator);
    }
}
