package dev.kyoyu.bench.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyoyu.bench.report.Percentiles;
import dev.kyoyu.bench.report.Progress;
import dev.kyoyu.bench.stack.CpuMeter;
import dev.kyoyu.bench.stack.LoopbackHttp;
import dev.kyoyu.bench.stack.ProcStats;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.testsupport.ChildProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import me.tongfei.progressbar.ProgressBar;

/**
 * Closed-loop HTTP load: a fixed number of clients, each sending its next request as soon as the previous
 * one is answered. A phase runs continuously through a ramp-up and a measurement window; only requests that
 * complete inside the window count, so the window sees steady state at both ends.
 */
final class HttpLoad {
    /** One simulated agent: its own id, bearer token and run. */
    record Agent(String agentId, String token, String runId) {
    }

    record PhaseResult(int batchSize, long requests, long events, Map<String, Long> errors, double seconds,
                       Percentiles latencyNanos, long peakRssKib, Map<String, Double> cores) {
        double eventsPerSecond() {
            return events / seconds;
        }

        double requestsPerSecond() {
            return requests / seconds;
        }

        long errorCount() {
            return errors.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private final HttpClient client = LoopbackHttp.client();
    private final URI base;

    HttpLoad(int port) {
        this.base = URI.create("http://127.0.0.1:" + port);
    }

    /** Starts one run per agent with the agent's token. */
    List<Agent> signIn(List<String> agentIds, java.util.function.UnaryOperator<String> tokenOf) throws IOException, InterruptedException {
        List<Agent> agents = new ArrayList<>();
        for (String agentId : agentIds) {
            String bearer = tokenOf.apply(agentId);
            JsonNode run = post("/v1/runs", bearer, "{\"metadata\":{\"purpose\":\"ingest benchmark\"}}", 201);
            agents.add(new Agent(agentId, bearer, run.path("data").path("id").asText()));
        }
        return agents;
    }

    private JsonNode post(String path, String bearer, String body, int expected) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IOException("POST " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return EventJson.MAPPER.readTree(response.body());
    }

    /**
     * Runs one phase: every agent posts bodies of {@code batchSize} events in a loop for rampUp + measure;
     * the service's peak RSS window and the CPU window open when the measurement window does.
     */
    PhaseResult phase(String label, List<Agent> agents, int batchSize, List<byte[]> bodies, Duration rampUp, Duration measure,
                      ChildProcess service, CpuMeter cpu) throws InterruptedException {
        long windowStart = System.nanoTime() + rampUp.toNanos();
        long windowEnd = windowStart + measure.toNanos();
        AtomicLong events = new AtomicLong();
        AtomicLong requests = new AtomicLong();
        Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
        List<long[]> latencies = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < agents.size(); i++) {
            Agent agent = agents.get(i);
            int first = i;
            long[][] mine = {new long[1024]};
            int[] count = {0};
            threads.add(Thread.ofVirtual().name("client-" + i).start(() -> {
                byte[] head = RawHttpConnection.head("/v1/runs/" + agent.runId() + "/events", agent.token());
                try (RawHttpConnection connection = new RawHttpConnection(base.getPort(), 60_000)) {
                    for (int k = first; System.nanoTime() < windowEnd; k++) {
                        byte[] body = bodies.get(k % bodies.size());
                        long started = System.nanoTime();
                        String error = null;
                        long accepted = 0;
                        try {
                            RawHttpConnection.Answer answer = connection.post(head, body);
                            if (answer.status() == 202) {
                                accepted = acceptedCount(answer.body());
                                if (accepted != batchSize) {
                                    error = "202 with " + accepted + " of " + batchSize + " accepted";
                                }
                            } else {
                                error = "HTTP " + answer.status();
                            }
                        } catch (IOException e) {
                            error = e.getClass().getSimpleName();
                        }
                        long ended = System.nanoTime();
                        if (ended < windowStart || ended > windowEnd) {
                            continue;
                        }
                        if (error != null) {
                            errors.computeIfAbsent(error, x -> new AtomicLong()).incrementAndGet();
                            continue;
                        }
                        events.addAndGet(accepted);
                        requests.incrementAndGet();
                        if (count[0] == mine[0].length) {
                            mine[0] = Arrays.copyOf(mine[0], mine[0].length * 2);
                        }
                        mine[0][count[0]++] = ended - started;
                    }
                }
                synchronized (latencies) {
                    latencies.add(Arrays.copyOf(mine[0], count[0]));
                }
            }));
        }
        sleepUntil(windowStart);
        boolean peakWindow = ProcStats.resetPeakRss(service.pid());
        CpuMeter.Window cpuWindow = cpu.start();
        long peakSampled = 0;
        try (ProgressBar bar = Progress.bar(label, 1, "ev")) {
            while (System.nanoTime() < windowEnd) {
                Thread.sleep(Math.min(500, Math.max(1, (windowEnd - System.nanoTime()) / 1_000_000)));
                long done = events.get();
                double elapsed = Math.max(1e-3, (System.nanoTime() - windowStart) / 1e9);
                bar.maxHint(Math.max(done + 1, (long) (done / elapsed * measure.toNanos() / 1e9)));
                bar.stepTo(done);
                peakSampled = Math.max(peakSampled, ProcStats.rssKib(service.pid()));
            }
            bar.maxHint(events.get());
            bar.stepTo(events.get());
        }
        Map<String, Double> cores = cpuWindow.stop();
        long peak = peakWindow ? ProcStats.peakRssKib(service.pid()) : Math.max(peakSampled, ProcStats.peakRssKib(service.pid()));
        for (Thread thread : threads) {
            thread.join();
        }
        long[] all = latencies.stream().flatMapToLong(Arrays::stream).toArray();
        Map<String, Long> errorCounts = new TreeMap<>();
        errors.forEach((kind, n) -> errorCounts.put(kind, n.get()));
        return new PhaseResult(batchSize, requests.get(), events.get(), errorCounts, measure.toNanos() / 1e9,
                new Percentiles(all), peak, cores);
    }

    /** The "accepted" count of a 202 envelope, read without parsing the event id list that follows it. */
    static long acceptedCount(String body) {
        int at = body.indexOf("\"accepted\":");
        if (at < 0) {
            return 0;
        }
        long n = 0;
        for (int i = at + 11; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c >= '0' && c <= '9') {
                n = n * 10 + (c - '0');
            } else if (c != ' ') {
                break;
            }
        }
        return n;
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(Duration.ofNanos(wait));
        }
    }
}
