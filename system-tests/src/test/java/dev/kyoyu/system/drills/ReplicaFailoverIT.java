package dev.kyoyu.system.drills;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.testsupport.Await;
import dev.kyoyu.testsupport.LocalStack;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 14, replica failover under query load: query-api reads from a streaming replica (./kyoyu start replica)
 * while clients query it steadily and a writer commits a decision every 100 ms on the primary. The replica is
 * stopped (fast shutdown), started again, then killed (immediate shutdown) and started again. Every query must be
 * answered 200, by the primary while the replica is gone, by the replica again once it is back, and no answer from
 * the replica may be staler than the lag bound.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("drill: the streaming replica stopped, killed and restarted under query load")
class ReplicaFailoverIT {
    private static final String REPLICA = "query-replica-1";
    private static final String PRIMARY = "query-primary";
    private static final Duration MAX_LAG = Duration.ofSeconds(2);
    /**
     * A replica check that finds it caught up means caught up with the WAL it has received; a commit made a moment
     * before the check may still be on its way. Allowed on top of the bound, far below it.
     */
    private static final Duration RECEIVE_SLACK = Duration.ofMillis(200);
    private static final Duration OUTAGE = Duration.ofSeconds(8);
    private static final String AGENT = "failover-agent";
    /** How long the load runs on after reads came back, to see them stay on the replica. */
    private static final Duration SETTLED = Duration.ofSeconds(4);

    private LocalStack stack;
    private ReadLoad load;
    private MarkerWriter markers;
    private final List<Outage> outages = new ArrayList<>();
    private List<ReadLoad.Read> reads;

    /** One fault: how it was made, the reads while the replica was gone, and how long reads took to come back. */
    private record Outage(String fault, long from, long to, Duration backAfterStart, Duration backAfterStreaming,
                          long settledFrom, long settledTo) {
    }

    private double servingAtTheEnd;
    private double fallbacks;

    @BeforeAll
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void runDrill() {
        int replicaPort = freePort();
        stack = LocalStack.isolated("replica-failover", Map.of(
                "KYOYU_PG_REPLICA_PORT", Integer.toString(replicaPort),
                "KYOYU_QUERY_REPLICA_URLS", "jdbc:postgresql://127.0.0.1:" + replicaPort + "/kyoyu",
                "KYOYU_QUERY_REPLICA_MAX_LAG", MAX_LAG.toSeconds() + "s",
                "KYOYU_RATE_QUERIES", "60000/m"));
        stack.up("query-api");
        stack.start("replica");
        awaitReplicaState("serving");
        markers = new MarkerWriter(stack, AGENT, Duration.ofMillis(100));
        load = new ReadLoad(stack.queryPort(), stack.token(AGENT), AGENT, 3, Duration.ofMillis(20));
        try {
            Await.until(Duration.ofSeconds(60), "reads served by the replica under load", () -> load.byPool().getOrDefault(REPLICA, 0L) >= 50);
            outages.add(fault("stop"));
            outages.add(fault("kill"));
            servingAtTheEnd = stack.metric(stack.queryPort(), "kyoyu_query_replica_serving");
            fallbacks = stack.metric(stack.queryPort(), "kyoyu_query_replica_fallbacks_total");
        } finally {
            load.close();
            markers.close();
            reads = load.reads();
            System.out.printf("replica failover drill: %d reads, by pool %s, errors %d, markers written %d%n",
                    reads.size(), load.byPool(), load.errors().size(), markers.count());
            for (Outage outage : outages) {
                System.out.printf("  %s: reads during the outage %d (primary %d); back on the replica %d ms after start was asked, "
                                + "%d ms after it streamed%n", outage.fault(), during(outage).size(),
                        during(outage).stream().filter(r -> PRIMARY.equals(r.pool())).count(),
                        outage.backAfterStart().toMillis(), outage.backAfterStreaming().toMillis());
                System.out.printf("  %s: then %.0f%% of %d reads from the replica over %d s%n", outage.fault(),
                        100 * replicaShare(settled(outage)), settled(outage).size(), SETTLED.toSeconds());
            }
            System.out.printf("  kyoyu_query_replica_fallbacks_total %.0f, kyoyu_query_replica_serving at the end %.0f%n",
                    fallbacks, servingAtTheEnd);
        }
    }

    /** Stops or kills the replica, keeps the load on for {@link #OUTAGE}, starts it, and waits for reads to return to it. */
    private Outage fault(String how) {
        if (how.equals("stop")) {
            stack.stop("replica");
        } else {
            stack.kill("replica");
        }
        long down = System.nanoTime();
        long[] until = {down + OUTAGE.toNanos()};
        Await.until(OUTAGE.plusSeconds(30), "the load running against a stopped replica", () -> System.nanoTime() >= until[0]);
        long startAsked = System.nanoTime();
        stack.start("replica");
        long streaming = System.nanoTime();
        Await.until(Duration.ofSeconds(60), "reads back on the replica after " + how,
                () -> load.reads().stream().anyMatch(r -> r.sentNanos() > streaming && REPLICA.equals(r.pool())));
        long back = load.reads().stream().filter(r -> r.sentNanos() > streaming && REPLICA.equals(r.pool()))
                .mapToLong(ReadLoad.Read::answeredNanos).min().orElseThrow();
        long settledFrom = System.nanoTime();
        Await.until(SETTLED.plusSeconds(30), "the load running on the returned replica", () -> System.nanoTime() >= settledFrom + SETTLED.toNanos());
        return new Outage(how, down, startAsked, Duration.ofNanos(back - startAsked), Duration.ofNanos(back - streaming),
                settledFrom, System.nanoTime());
    }

    @AfterAll
    void tearDown() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @DisplayName("no query fails: every one is answered 200 while the replica stops, dies and returns")
    void everyQueryIsAnswered() {
        List<ReadLoad.Read> errors = reads.stream().filter(r -> r.status() != 200).toList();
        assertEquals(0, errors.size(), () -> errors.size() + " errors, the first: " + errors.getFirst());
        assertTrue(reads.size() >= 200, "a steady load: " + reads.size() + " reads");
        assertNull(markers.failure(), "the primary took every write");
    }

    @Test
    @DisplayName("while the replica is down the primary answers every read")
    void thePrimaryAnswersWhileTheReplicaIsDown() {
        for (Outage outage : outages) {
            // A read sent just before the stop may still have been answered by the replica; after a second, none.
            List<ReadLoad.Read> gone = reads.stream().filter(r -> r.sentNanos() > outage.from() + TimeUnit.SECONDS.toNanos(1)
                    && r.answeredNanos() < outage.to()).toList();
            assertTrue(gone.size() >= 20, outage.fault() + ": reads during the outage " + gone.size());
            assertTrue(gone.stream().allMatch(r -> PRIMARY.equals(r.pool())), outage.fault() + ": a read came from the stopped replica");
        }
    }

    @Test
    @DisplayName("reads return to the replica once it streams again, and stay there")
    void readsReturnToTheReplica() {
        assertEquals(2, outages.size());
        for (Outage outage : outages) {
            assertTrue(outage.backAfterStreaming().compareTo(Duration.ofSeconds(30)) < 0, outage.toString());
            double share = replicaShare(settled(outage));
            assertTrue(share > 0.5, outage.fault() + ": only " + share + " of the reads after the return came from the replica");
        }
        assertEquals(1.0, servingAtTheEnd, "kyoyu_query_replica_serving");
        assertTrue(fallbacks > 0, "kyoyu_query_replica_fallbacks_total counted the reads the primary took over");
    }

    @Test
    @DisplayName("no read from the replica is staler than the lag bound; every read from the primary is current")
    void theLagBoundHolds() {
        long checked = 0;
        for (ReadLoad.Read read : reads) {
            if (REPLICA.equals(read.pool())) {
                long mustShow = markers.committedBy(read.sentNanos() - MAX_LAG.toNanos() - RECEIVE_SLACK.toNanos());
                assertTrue(read.total() >= mustShow, "the replica answered " + read.total() + " decisions where the primary had "
                        + mustShow + " committed more than " + MAX_LAG + " before the read");
                checked++;
            } else {
                assertTrue(read.total() >= markers.committedBy(read.sentNanos()), "the primary's answer lacks a committed decision");
            }
        }
        assertTrue(checked >= 50, "replica reads checked: " + checked);
    }

    private List<ReadLoad.Read> during(Outage outage) {
        return reads.stream().filter(r -> r.sentNanos() >= outage.from() && r.answeredNanos() <= outage.to()).toList();
    }

    private List<ReadLoad.Read> settled(Outage outage) {
        return reads.stream().filter(r -> r.sentNanos() >= outage.settledFrom() && r.answeredNanos() <= outage.settledTo()).toList();
    }

    private static double replicaShare(List<ReadLoad.Read> window) {
        return window.isEmpty() ? 0 : (double) window.stream().filter(r -> REPLICA.equals(r.pool())).count() / window.size();
    }

    private void awaitReplicaState(String state) {
        Await.until(Duration.ofSeconds(60), "replica " + state + " in query-api's /health",
                () -> state.equals(EventJson.MAPPER.readTree(stack.health(stack.queryPort()).body())
                        .path("data").path("checks").path("replicas").path(REPLICA).path("state").asText()));
    }

    /** A loopback port below Linux's ephemeral range, free now, for the replica (query-api is told it before it starts). */
    private static int freePort() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(20000, 32000);
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IllegalStateException("no free port for the replica");
    }
}
