package dev.kyoyu.sink.chunks;

import dev.kyoyu.service.config.EnvReader;
import java.time.Duration;

/**
 * How long the hypertables keep their chunks, read with the sink worker's settings.
 *
 * @param retention     chunks whose range ended longer ago than this are dropped; {@link Duration#ZERO}: kept for ever
 * @param compressAfter community edition: chunks are compressed once their range ended this long ago (replaces the
 *                      migrations' 7 days); {@link Duration#ZERO}: left as the migrations set it
 * @param interval      Apache edition: how often a sink worker drops what retention no longer keeps
 */
public record RetentionSettings(Duration retention, Duration compressAfter, Duration interval) {
    public static final RetentionSettings OFF = new RetentionSettings(Duration.ZERO, Duration.ZERO, Duration.ofHours(1));

    /**
     * @param clientRetryWindow the sink recognises a client retry by finding its first copy in agent_events; retention
     *                          must keep rows at least that long, or a late retry would be stored a second time
     */
    public static RetentionSettings read(EnvReader r, Duration clientRetryWindow) {
        RetentionSettings settings = new RetentionSettings(
                r.duration("KYOYU_RETENTION", Duration.ZERO),
                r.duration("KYOYU_COMPRESS_AFTER", Duration.ZERO),
                r.duration("KYOYU_RETENTION_INTERVAL", Duration.ofHours(1)));
        Duration retention = settings.retention();
        if (retention.isNegative() || settings.compressAfter().isNegative()) {
            r.problem("KYOYU_RETENTION and KYOYU_COMPRESS_AFTER must not be negative (0 turns them off)");
        }
        if (settings.retains() && retention.compareTo(Duration.ofHours(1)) < 0) {
            r.problem("KYOYU_RETENTION=" + retention + " is under 1h; use 0 to keep everything, or at least 1h");
        }
        if (settings.retains() && retention.compareTo(clientRetryWindow) < 0) {
            r.problem("KYOYU_RETENTION=" + retention + " is shorter than KYOYU_CLIENT_RETRY_WINDOW=" + clientRetryWindow
                    + ": a client retry whose first copy was already dropped would be stored twice; keep rows at least as long");
        }
        if (settings.retains() && settings.compresses() && settings.compressAfter().compareTo(retention) >= 0) {
            r.problem("KYOYU_COMPRESS_AFTER=" + settings.compressAfter() + " is not shorter than KYOYU_RETENTION=" + retention
                    + ": chunks would be dropped before they are compressed");
        }
        if (settings.interval().compareTo(Duration.ofSeconds(1)) < 0 || settings.interval().compareTo(Duration.ofDays(1)) > 0) {
            r.problem("KYOYU_RETENTION_INTERVAL=" + settings.interval() + " is outside 1s..1d");
        }
        return settings;
    }

    public boolean retains() {
        return retention.isPositive();
    }

    public boolean compresses() {
        return compressAfter.isPositive();
    }
}
