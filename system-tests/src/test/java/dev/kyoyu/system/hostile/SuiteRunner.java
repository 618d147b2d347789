package dev.kyoyu.system.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/** Turns a case table into dynamic tests, and runs the families that need time or concurrency: slow clients, a burst. */
final class SuiteRunner {
    /** Slow clients each take about this long (pieces x pause), bounded. */
    private static final int SLOW_PIECES = 6;
    private static final Duration SLOW_PAUSE = Duration.ofMillis(500);
    private static final int SLOW_CLIENTS = 4;
    private static final int BURST = 200;

    private SuiteRunner() {
    }

    static Stream<DynamicTest> tests(String api, int port, List<HostileCase> cases) {
        return cases.stream().map(c -> {
            CaseCounts.count(api, c.family());
            return DynamicTest.dynamicTest(c.family() + ": " + c.name(), () -> {
                RawHttp.Answer answer = c.send().apply(port);
                Optional<String> problem = c.expect().problem(answer);
                problem.ifPresent(p -> fail(c.family() + " / " + c.name() + ": " + p));
            });
        });
    }

    /**
     * Slow clients hold connections open, sending a little every half second for a few seconds; while
     * they do, an ordinary request is answered. Each slow client then gets a 4xx, a normal answer or a
     * closed connection, never a 5xx.
     */
    static void slowClients(String api, int port, byte[] slowRequest, byte[] ordinary, int ordinaryStatus) throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<RawHttp.Answer>> slow = new ArrayList<>();
            for (int i = 0; i < SLOW_CLIENTS; i++) {
                CaseCounts.count(api, "slow-clients");
                slow.add(pool.submit(() -> RawHttp.trickle(port, slowRequest, SLOW_PIECES, SLOW_PAUSE, Duration.ofSeconds(10))));
            }
            RawHttp.Answer meanwhile = RawHttp.exchange(port, ordinary, Duration.ofSeconds(10));
            assertEquals(ordinaryStatus, meanwhile.status(), "an ordinary request while slow clients hold connections: " + meanwhile);
            for (Future<RawHttp.Answer> f : slow) {
                RawHttp.Answer answer = f.get();
                assertTrue(answer.status() < 500, "a slow client got " + answer);
            }
        }
    }

    /** {@value #BURST} bad requests at once: each a 4xx (or a closed connection), none a 5xx. */
    static void burst(String api, int port, List<byte[]> badRequests) throws Exception {
        CaseCounts.count(api, "burst (" + BURST + " requests each)");
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<RawHttp.Answer>> answers = new ArrayList<>();
            for (int i = 0; i < BURST; i++) {
                byte[] request = badRequests.get(i % badRequests.size());
                answers.add(pool.submit(() -> RawHttp.exchange(port, request, Duration.ofSeconds(30))));
            }
            List<String> wrong = new ArrayList<>();
            for (Future<RawHttp.Answer> f : answers) {
                RawHttp.Answer answer = f.get();
                if (answer.status() >= 500 || (answer.status() >= 0 && answer.status() < 400)) {
                    wrong.add(answer.toString());
                }
            }
            assertTrue(wrong.isEmpty(), () -> wrong.size() + " of " + BURST + " bad requests were not refused with a 4xx, e.g. "
                    + wrong.stream().limit(3).toList());
        }
    }
}
