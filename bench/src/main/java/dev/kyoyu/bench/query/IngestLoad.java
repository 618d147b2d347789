package dev.kyoyu.bench.query;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.bench.load.EventMix;
import dev.kyoyu.bench.report.Percentiles;
import dev.kyoyu.schemas.event.EventJson;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The "while ingesting" load: an open-loop generator posting batches of events through ingest-api on a fixed
 * schedule ({@link Pacer}), each request on its own virtual thread so a slow answer never delays the next one,
 * plus decisions at a fixed rate through POST /v1/trace (which the embedder then has to embed, as it would in
 * production). A sampler reads the sink's lag every second.
 */
final class IngestLoad {
    private static final int AGENTS = 20;
    private static final int BODIES = 200;

    record Result(double targetEventsPerSecond, int batch, long requestsScheduled, long requestsOk, long eventsAccepted,
                  Map<String, Long> errors, double seconds, Percentiles latencyNanos, double maxBehindMillis,
                  long tracesOk, long traceErrors, long maxLag, long lagAtStop, double drainSeconds) {
        double eventsPerSecond() {
            return Pacer.rate(eventsAccepted, (long) (seconds * 1e9));
        }

        long errorCount() {
            return errors.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private final QueryOptions options;
    private final QueryStack stack;
    private final Backlog backlog;
    private final ApiClient ingest;
    private final DecisionCorpus corpus;
    private final List<String[]> agents = new ArrayList<>();
    private final List<String> bodies = new ArrayList<>();
    private final AtomicLong requestsOk = new AtomicLong();
    private final AtomicLong eventsAccepted = new AtomicLong();
    private final AtomicLong tracesOk = new AtomicLong();
    private final AtomicLong traceErrors = new AtomicLong();
    private final AtomicLong maxLag = new AtomicLong();
    private final AtomicLong maxBehind = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
    private final List<Long> latencies = new ArrayList<>();
    private volatile boolean stopping;
    private final List<Thread> threads = new ArrayList<>();
    private long scheduled;
    private long started;

    IngestLoad(QueryOptions options, QueryStack stack, Backlog backlog) {
        this.options = options;
        this.stack = stack;
        this.backlog = backlog;
        this.ingest = new ApiClient(stack.ingestPort);
        Instant now = Instant.now();
        this.corpus = new DecisionCorpus(options.seed() + 1, options.agents(), now.minus(Duration.ofDays(1)), now);
    }

    /** Signs the agents in, opens one run each, builds the request bodies, then starts the schedule. */
    void start() throws IOException, InterruptedException {
        for (int a = 0; a < AGENTS; a++) {
            String agent = String.format("live-agent-%02d", a + 1);
            String token = stack.token(agent);
            String run = ingest.postExpecting("/v1/runs", token, "{\"metadata\":{\"purpose\":\"live load\"}}", 201).path("id").asText();
            agents.add(new String[] {agent, token, run});
        }
        EventMix mix = new EventMix(options.seed() * 7919);
        for (int b = 0; b < BODIES; b++) {
            ObjectNode body = EventJson.MAPPER.createObjectNode();
            ArrayNode events = body.putArray("events");
            for (int e = 0; e < options.ingestBatch(); e++) {
                String type = mix.nextType();
                events.addObject().put("event_type", type).set("payload", mix.payload(type));
            }
            bodies.add(body.toString());
        }
        started = System.nanoTime();
        threads.add(Thread.ofPlatform().name("ingest-schedule").daemon().start(this::events));
        if (options.ingestTraces() > 0) {
            threads.add(Thread.ofPlatform().name("trace-schedule").daemon().start(this::traces));
        }
        threads.add(Thread.ofPlatform().name("lag-sampler").daemon().start(this::sampleLag));
    }

    private void events() {
        Pacer pacer = new Pacer(options.ingestRate(), options.ingestBatch());
        for (long k = 0; !stopping; k++) {
            long due = started + pacer.dueAt(k);
            sleepUntil(due);
            if (stopping) {
                return;
            }
            maxBehind.accumulateAndGet(System.nanoTime() - due, Math::max);
            String[] agent = agents.get((int) (k % AGENTS));
            String body = bodies.get((int) (k % BODIES));
            scheduled = k + 1;
            inFlight.incrementAndGet();
            Thread.ofVirtual().start(() -> {
                long t0 = System.nanoTime();
                try {
                    ApiClient.Answer answer = ingest.post("/v1/runs/" + agent[2] + "/events", stack.token(agent[0]), body);
                    long took = System.nanoTime() - t0;
                    int acceptedCount = answer.status() == 202 ? answer.json().path("data").path("accepted").asInt() : 0;
                    if (acceptedCount == options.ingestBatch()) {
                        requestsOk.incrementAndGet();
                        synchronized (latencies) {
                            latencies.add(took);
                        }
                    } else {
                        errors.computeIfAbsent("HTTP " + answer.status(), e -> new AtomicLong()).incrementAndGet();
                    }
                    eventsAccepted.addAndGet(acceptedCount);
                } catch (IOException | InterruptedException e) {
                    errors.computeIfAbsent(e.getClass().getSimpleName(), x -> new AtomicLong()).incrementAndGet();
                } finally {
                    inFlight.decrementAndGet();
                }
            });
        }
    }

    private void traces() {
        Pacer pacer = new Pacer(options.ingestTraces(), 1);
        for (long k = 0; !stopping; k++) {
            sleepUntil(started + pacer.dueAt(k));
            if (stopping) {
                return;
            }
            long index = k;
            inFlight.incrementAndGet();
            Thread.ofVirtual().start(() -> {
                try {
                    DecisionCorpus.Decision d = corpus.decision(index);
                    ObjectNode decision = d.traceJson();
                    decision.remove("valid_from");
                    ObjectNode body = EventJson.MAPPER.createObjectNode();
                    body.set("decision", decision);
                    String token = stack.token(d.agentId());
                    ApiClient.Answer answer = ingest.post("/v1/trace", token, body.toString());
                    if (answer.status() == 202) {
                        tracesOk.incrementAndGet();
                        eventsAccepted.addAndGet(answer.json().path("data").path("event_count").asLong());
                    } else {
                        traceErrors.incrementAndGet();
                    }
                } catch (IOException | InterruptedException | IllegalStateException e) {
                    traceErrors.incrementAndGet();
                } finally {
                    inFlight.decrementAndGet();
                }
            });
        }
    }

    private void sampleLag() {
        while (!stopping) {
            try {
                maxLag.accumulateAndGet(backlog.eventLag(), Math::max);
            } catch (RuntimeException e) {
                // a sample missed; the next one counts
            }
            sleepUntil(System.nanoTime() + 1_000_000_000L);
        }
    }

    /** Stops sending at once (after a failure elsewhere); {@link #stop()} is the orderly end. */
    void halt() {
        stopping = true;
    }

    /** Stops the schedule, waits for the requests in flight, closes the runs, and waits for the sink to catch up. */
    Result stop() throws Exception {
        stopping = true;
        long stopped = System.nanoTime();
        for (Thread thread : threads) {
            thread.join();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            sleepUntil(System.nanoTime() + 20_000_000L);
        }
        for (String[] agent : agents) {
            ingest.postExpecting("/v1/runs/" + agent[2] + "/complete", stack.token(agent[0]), "{}", 200);
        }
        long lagAtStop = backlog.eventLag();
        long drainStart = System.nanoTime();
        long drainDeadline = drainStart + Duration.ofMinutes(5).toNanos();
        while (backlog.eventLag() > 0) {
            if (System.nanoTime() > drainDeadline) {
                throw new IllegalStateException("the sink did not catch up within 5 minutes after the load stopped");
            }
            stack.requireAlive();
            sleepUntil(System.nanoTime() + 100_000_000L);
        }
        double drain = (System.nanoTime() - drainStart) / 1e9;
        long[] all;
        synchronized (latencies) {
            all = latencies.stream().mapToLong(Long::longValue).toArray();
        }
        Map<String, Long> errorCounts = new TreeMap<>();
        errors.forEach((kind, n) -> errorCounts.put(kind, n.get()));
        return new Result(options.ingestRate(), options.ingestBatch(), scheduled, requestsOk.get(), eventsAccepted.get(), errorCounts,
                (stopped - started) / 1e9, new Percentiles(all), maxBehind.get() / 1e6, tracesOk.get(), traceErrors.get(),
                Math.max(maxLag.get(), lagAtStop), lagAtStop, drain);
    }

    private static void sleepUntil(long nanoTime) {
        for (long wait = nanoTime - System.nanoTime(); wait > 0; wait = nanoTime - System.nanoTime()) {
            LockSupport.parkNanos(wait);
        }
    }
}
