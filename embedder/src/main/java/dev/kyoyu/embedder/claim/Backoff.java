package dev.kyoyu.embedder.claim;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Doubling pauses between a floor and a ceiling, with jitter so several embedders do not poll in step. */
final class Backoff {
    private final long minMillis;
    private final long maxMillis;
    private long nextMillis;

    Backoff(Duration min, Duration max) {
        this.minMillis = Math.max(1, min.toMillis());
        this.maxMillis = Math.max(minMillis, max.toMillis());
        this.nextMillis = minMillis;
    }

    /** The pause to take now (between half and all of the current step); the next one doubles. */
    long nextPauseMillis() {
        long pause = nextMillis / 2 + ThreadLocalRandom.current().nextLong(nextMillis / 2 + 1);
        nextMillis = Math.min(maxMillis, nextMillis * 2);
        return pause;
    }

    void reset() {
        nextMillis = minMillis;
    }
}
