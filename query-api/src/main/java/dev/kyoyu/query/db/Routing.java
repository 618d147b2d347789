package dev.kyoyu.query.db;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Decides where one read goes: to a replica whose data is at most {@code maxLag} behind the primary right now,
 * taking the replicas in turn, else to the primary. Decides only from the replicas' last checks, so it costs
 * no query; tested without a database.
 */
final class Routing {
    /** Why the primary answered although replicas are configured: the tag of kyoyu_query_replica_fallbacks_total. */
    enum Fallback {
        /** The client asked for X-Kyoyu-Consistency: strong. */
        STRONG_CONSISTENCY,
        /** Every replica is unavailable or further behind than the bound. */
        NO_FRESH_REPLICA,
        /** The chosen replica failed (connection lost, shutting down, recovery conflict); the read ran again. */
        REPLICA_FAILED,
        /** The replica's answer may predate the caller's own write (a run it does not show finished). */
        NOT_ON_REPLICA;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Where a read goes: {@code replica} is an index into the statuses, or -1 for the primary. */
    record Route(int replica, Fallback fallback) {
        static Route primary(Fallback why) {
            return new Route(-1, why);
        }

        boolean toPrimary() {
            return replica < 0;
        }
    }

    private final Duration maxLag;
    private final Clock clock;
    private final AtomicInteger turn = new AtomicInteger();

    Routing(Duration maxLag, Clock clock) {
        this.maxLag = maxLag;
        this.clock = clock;
    }

    /** With no replicas configured every read goes to the primary, which is no fallback ({@code fallback} null). */
    Route choose(List<ReplicaStatus> replicas, Consistency consistency) {
        if (replicas.isEmpty()) {
            return Route.primary(null);
        }
        if (consistency == Consistency.STRONG) {
            return Route.primary(Fallback.STRONG_CONSISTENCY);
        }
        Instant now = clock.instant();
        int first = Math.floorMod(turn.getAndIncrement(), replicas.size());
        for (int i = 0; i < replicas.size(); i++) {
            int candidate = (first + i) % replicas.size();
            if (replicas.get(candidate).state(now, maxLag) == ReplicaStatus.State.SERVING) {
                return new Route(candidate, null);
            }
        }
        return Route.primary(Fallback.NO_FRESH_REPLICA);
    }

    Duration maxLag() {
        return maxLag;
    }

    Instant now() {
        return clock.instant();
    }
}
