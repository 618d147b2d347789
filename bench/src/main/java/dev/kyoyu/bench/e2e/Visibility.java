package dev.kyoyu.bench.e2e;

import dev.kyoyu.bench.query.ApiClient;
import dev.kyoyu.bench.stack.LoopbackHttp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Accepted-to-queryable latency: from the 202 to the moment query-api returns the event (GET /v1/runs/{run_id},
 * polled every 20 ms, at most {@code MAX_WATCHED} followed at once and each for {@code DEADLINE}), and for decisions
 * to the moment they arrive on an SSE subscription of every agent's decisions.
 */
final class Visibility implements AutoCloseable {
    private static final int MAX_WATCHED = 64;
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final long POLL_NANOS = 20_000_000;
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    /** One measurement: when it completed (System.nanoTime) and how long after the 202. */
    record Sample(long atNanos, long latencyNanos) {
    }

    private final ApiClient query;
    private final int queryPort;
    private final Supplier<String> adminToken;
    private final Semaphore watched = new Semaphore(MAX_WATCHED);
    private final List<Sample> events = new ArrayList<>();
    private final List<Sample> decisions = new ArrayList<>();
    private final Map<String, Long> pendingDecisions = new ConcurrentHashMap<>();
    final AtomicLong eventTimeouts = new AtomicLong();
    final AtomicLong skipped = new AtomicLong();
    private volatile Stream<String> subscription;

    Visibility(int queryPort, Supplier<String> adminToken) {
        this.query = new ApiClient(queryPort);
        this.queryPort = queryPort;
        this.adminToken = adminToken;
    }

    /** Opens the SSE subscription (every decision the admin may read) and reads it on a virtual thread. */
    void subscribe() throws IOException, InterruptedException {
        HttpClient client = LoopbackHttp.client();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + queryPort + "/v1/subscribe"))
                .header("Accept", "text/event-stream").header("Authorization", "Bearer " + adminToken.get()).GET().build();
        HttpResponse<Stream<String>> response = client.send(request, HttpResponse.BodyHandlers.ofLines());
        if (response.statusCode() != 200) {
            throw new IOException("GET /v1/subscribe answered " + response.statusCode());
        }
        subscription = response.body();
        Thread.ofVirtual().name("e2e-sse").start(() -> {
            try {
                subscription.forEach(this::onLine);
            } catch (RuntimeException e) {
                // closed at the end of the run
            }
        });
    }

    private void onLine(String line) {
        if (!line.startsWith("data:")) {
            return;
        }
        long now = System.nanoTime();
        Matcher m = UUID.matcher(line);
        while (m.find()) {
            Long acceptedAt = pendingDecisions.remove(m.group());
            if (acceptedAt != null) {
                synchronized (decisions) {
                    decisions.add(new Sample(now, now - acceptedAt));
                }
            }
        }
    }

    void watchDecision(String decisionId, long acceptedAt) {
        if (pendingDecisions.size() < 100_000) {
            pendingDecisions.put(decisionId, acceptedAt);
        }
    }

    /** Follows one event until query-api returns it; skipped (and counted) when {@code MAX_WATCHED} are followed already. */
    void watchEvent(String runId, String eventId, long acceptedAt) {
        if (!watched.tryAcquire()) {
            skipped.incrementAndGet();
            return;
        }
        Thread.ofVirtual().start(() -> {
            try {
                long deadline = acceptedAt + DEADLINE.toNanos();
                while (System.nanoTime() < deadline) {
                    ApiClient.Answer answer = query.get("/v1/runs/" + runId, adminToken.get());
                    long now = System.nanoTime();
                    if (answer.status() == 200 && answer.body().contains(eventId)) {
                        synchronized (events) {
                            events.add(new Sample(now, now - acceptedAt));
                        }
                        return;
                    }
                    Thread.sleep(Duration.ofNanos(POLL_NANOS));
                }
                eventTimeouts.incrementAndGet();
            } catch (IOException | InterruptedException e) {
                eventTimeouts.incrementAndGet();
            } finally {
                watched.release();
            }
        });
    }

    List<Sample> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    List<Sample> decisions() {
        synchronized (decisions) {
            return List.copyOf(decisions);
        }
    }

    /** Decisions accepted but not seen on the subscription (yet). */
    int decisionsUnseen() {
        return pendingDecisions.size();
    }

    /** Waits (bounded) for the events still followed. */
    void awaitWatched(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (watched.availablePermits() < MAX_WATCHED && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    @Override
    public void close() {
        Stream<String> s = subscription;
        if (s != null) {
            s.close();
        }
    }
}
