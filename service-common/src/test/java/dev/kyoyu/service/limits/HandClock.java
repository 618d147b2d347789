package dev.kyoyu.service.limits;

import io.github.bucket4j.TimeMeter;
import java.time.Duration;

/** Bucket4j's clock, moved by the test: refills and expiry happen exactly when the test says. */
final class HandClock implements TimeMeter {
    private long nanos = 1_000_000_000L;

    @Override
    public long currentTimeNanos() {
        return nanos;
    }

    @Override
    public boolean isWallClockBased() {
        return false;
    }

    void advance(Duration by) {
        nanos += by.toNanos();
    }
}
