package dev.kyoyu.service.identity;

import dev.kyoyu.schemas.Topics;
import dev.kyoyu.service.config.EnvReader;
import java.time.Duration;

/**
 * How an API replica follows the identity topic, the same settings in ingest-api and query-api.
 *
 * @param topic        the identity topic (KYOYU_IDENTITIES_TOPIC): one partition, compacted
 * @param pollInterval the longest a poll waits for new records (KYOYU_IDENTITY_POLL_INTERVAL); a record is applied
 *                     as soon as the broker delivers it, this only bounds how often the follower checks the end offset
 * @param startupWait  how long startup waits to read the topic up to the end it saw at start
 *                     (KYOYU_IDENTITY_STARTUP_WAIT); a replica that cannot do so refuses to start
 * @param staleAfter   a replica that has not confirmed being at the topic's end for this long reports not ready
 *                     (KYOYU_IDENTITY_STALE_AFTER)
 */
public record IdentityFollowerSettings(String topic, Duration pollInterval, Duration startupWait, Duration staleAfter) {
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(200);
    public static final Duration DEFAULT_STARTUP_WAIT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_STALE_AFTER = Duration.ofSeconds(30);

    public static IdentityFollowerSettings read(EnvReader r) {
        IdentityFollowerSettings settings = new IdentityFollowerSettings(
                r.string("KYOYU_IDENTITIES_TOPIC", Topics.IDENTITIES),
                r.duration("KYOYU_IDENTITY_POLL_INTERVAL", DEFAULT_POLL_INTERVAL),
                r.duration("KYOYU_IDENTITY_STARTUP_WAIT", DEFAULT_STARTUP_WAIT),
                r.duration("KYOYU_IDENTITY_STALE_AFTER", DEFAULT_STALE_AFTER));
        within(r, "KYOYU_IDENTITY_POLL_INTERVAL", settings.pollInterval(), Duration.ofMillis(10), Duration.ofSeconds(5));
        within(r, "KYOYU_IDENTITY_STARTUP_WAIT", settings.startupWait(), Duration.ofSeconds(1), Duration.ofMinutes(10));
        within(r, "KYOYU_IDENTITY_STALE_AFTER", settings.staleAfter(), Duration.ofSeconds(1), Duration.ofHours(1));
        if (settings.staleAfter().compareTo(settings.pollInterval().multipliedBy(5)) < 0) {
            r.problem("KYOYU_IDENTITY_STALE_AFTER=" + settings.staleAfter()
                    + " must be at least five times KYOYU_IDENTITY_POLL_INTERVAL=" + settings.pollInterval());
        }
        return settings;
    }

    private static void within(EnvReader r, String name, Duration value, Duration min, Duration max) {
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            r.problem(name + "=" + value + " is outside " + min + ".." + max);
        }
    }
}
