package dev.kyoyu.query.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The routing decision and the lag bound, on a clock the test moves. */
class RoutingTest {
    private static final Duration MAX_LAG = Duration.ofSeconds(5);
    private final FakeClock clock = new FakeClock(Instant.parse("2026-05-01T10:00:00Z"));
    private final Routing routing = new Routing(MAX_LAG, clock);

    private ReplicaStatus lagging(double seconds) {
        return ReplicaStatus.measured(true, false, seconds, clock.instant());
    }

    private ReplicaStatus caughtUp() {
        return ReplicaStatus.measured(true, true, 600.0, clock.instant());
    }

    @Test
    void sendsReadsToAReplicaWithinTheLagBound() {
        Routing.Route route = routing.choose(List.of(lagging(4.9)), Consistency.BOUNDED);
        assertEquals(0, route.replica());
        assertNull(route.fallback());
    }

    @Test
    void fallsBackToThePrimaryWhenTheReplicaLagsBeyondTheBound() {
        Routing.Route route = routing.choose(List.of(lagging(5.1)), Consistency.BOUNDED);
        assertTrue(route.toPrimary());
        assertEquals(Routing.Fallback.NO_FRESH_REPLICA, route.fallback());
    }

    @Test
    void anIdleCaughtUpReplicaHasNoLagHoweverOldItsLastTransaction() {
        ReplicaStatus status = caughtUp();
        assertEquals(Duration.ZERO, status.lag());
        assertEquals(0, routing.choose(List.of(status), Consistency.BOUNDED).replica());
    }

    @Test
    void theAgeOfAMeasurementCountsTowardsTheBound() {
        List<ReplicaStatus> replicas = List.of(lagging(3));
        clock.advance(Duration.ofMillis(1900));
        assertEquals(0, routing.choose(replicas, Consistency.BOUNDED).replica(), "3 s + 1.9 s is within 5 s");
        clock.advance(Duration.ofMillis(200));
        assertTrue(routing.choose(replicas, Consistency.BOUNDED).toPrimary(), "3 s + 2.1 s is beyond 5 s");
    }

    @Test
    void aReplicaWhoseChecksStoppedFallsOutOfRotation() {
        List<ReplicaStatus> replicas = List.of(caughtUp());
        clock.advance(MAX_LAG.plusMillis(1));
        assertTrue(routing.choose(replicas, Consistency.BOUNDED).toPrimary());
        assertEquals(ReplicaStatus.State.LAGGING, replicas.getFirst().state(clock.instant(), MAX_LAG));
    }

    @Test
    void unreachableOrUnmeasurableReplicasServeNothing() {
        List<ReplicaStatus> replicas = List.of(
                ReplicaStatus.unavailable("unreachable: connection refused", clock.instant()),
                ReplicaStatus.measured(false, true, 0.0, clock.instant()),
                ReplicaStatus.measured(true, false, null, clock.instant()),
                ReplicaStatus.unchecked(clock.instant()));
        for (ReplicaStatus status : replicas) {
            assertEquals(ReplicaStatus.State.UNAVAILABLE, status.state(clock.instant(), MAX_LAG), status.toString());
        }
        Routing.Route route = routing.choose(replicas, Consistency.BOUNDED);
        assertTrue(route.toPrimary());
        assertEquals(Routing.Fallback.NO_FRESH_REPLICA, route.fallback());
    }

    @Test
    void skipsAnUnusableReplicaForAUsableOne() {
        List<ReplicaStatus> replicas = List.of(ReplicaStatus.unavailable("down", clock.instant()), lagging(1));
        for (int i = 0; i < 4; i++) {
            assertEquals(1, routing.choose(replicas, Consistency.BOUNDED).replica());
        }
    }

    @Test
    void takesUsableReplicasInTurn() {
        List<ReplicaStatus> replicas = List.of(caughtUp(), caughtUp(), caughtUp());
        Set<Integer> chosen = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            chosen.add(routing.choose(replicas, Consistency.BOUNDED).replica());
        }
        assertEquals(Set.of(0, 1, 2), chosen);
    }

    @Test
    void strongConsistencyReadsThePrimary() {
        Routing.Route route = routing.choose(List.of(caughtUp()), Consistency.STRONG);
        assertTrue(route.toPrimary());
        assertEquals(Routing.Fallback.STRONG_CONSISTENCY, route.fallback());
    }

    @Test
    void withoutReplicasThePrimaryIsNoFallback() {
        Routing.Route route = routing.choose(List.of(), Consistency.STRONG);
        assertTrue(route.toPrimary());
        assertNull(route.fallback());
    }

    @Test
    void classifiesReplicaFailures() {
        assertEquals(ReadPools.Failure.REPLICA_UNAVAILABLE, ReadPools.classify(new SQLTransientConnectionException("pool timeout")));
        assertEquals(ReadPools.Failure.REPLICA_UNAVAILABLE, ReadPools.classify(new SQLException("refused", "08001")));
        assertEquals(ReadPools.Failure.REPLICA_UNAVAILABLE, ReadPools.classify(new SQLException("shutting down", "57P01")));
        assertEquals(ReadPools.Failure.REPLICA_UNAVAILABLE, ReadPools.classify(new SQLException("starting up", "57P03")));
        assertEquals(ReadPools.Failure.RECOVERY_CONFLICT, ReadPools.classify(new SQLException("conflict with recovery", "40001")));
        assertEquals(ReadPools.Failure.OTHER, ReadPools.classify(new SQLException("no such table", "42P01")));
        assertEquals(ReadPools.Failure.OTHER, ReadPools.classify(new SQLException("no state")));
    }

    /** A clock that moves only when told. */
    private static final class FakeClock extends Clock {
        private Instant now;

        FakeClock(Instant start) {
            this.now = start;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
