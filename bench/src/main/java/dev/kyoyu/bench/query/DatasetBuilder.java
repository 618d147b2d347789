package dev.kyoyu.bench.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.bench.load.EventMix;
import dev.kyoyu.bench.report.Percentiles;
import dev.kyoyu.bench.report.Progress;
import dev.kyoyu.bench.stack.CpuMeter;
import dev.kyoyu.schemas.event.EventJson;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;
import me.tongfei.progressbar.ProgressBar;

/**
 * Builds the dataset through the real pipeline, so every row is shaped as in production: decisions with
 * POST /v1/trace, revisions as DecisionRevised events in review runs (assembled by the decision stream), and the
 * rest of the events as agents' runs posted to POST /v1/runs/{id}/events; then the sink drains and the embedder
 * gives every decision its vector.
 */
final class DatasetBuilder {
    /** Concurrent HTTP clients posting the dataset. */
    static final int POSTERS = 16;
    private static final int REVISIONS_PER_REQUEST = 100;

    /** What was posted and how long each part took. */
    record Build(int traces, int revisions, long fillerEvents, long acceptedEvents, double tracesSeconds, double revisionsSeconds,
                 double fillerSeconds, double sinkSeconds, Backlog.Embedded embedded, double embedWaitSeconds, double vacuumSeconds,
                 Map<String, Map<String, Double>> cores, Map<String, Percentiles> requestNanos) {
    }

    /** A posted decision that will be revised. */
    private record ToRevise(long index, String agentId, UUID decisionId) {
    }

    private final QueryOptions options;
    private final QueryStack stack;
    private final DecisionCorpus corpus;
    private final ApiClient ingest;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    /** Latency of every successful POST, by endpoint: where the build's time goes. */
    private final Map<String, List<Long>> latencies = new ConcurrentHashMap<>();

    DatasetBuilder(QueryOptions options, QueryStack stack, Instant buildStart) {
        this.options = options;
        this.stack = stack;
        this.corpus = new DecisionCorpus(options.seed(), options.agents(), buildStart.minus(Duration.ofDays(options.days())), buildStart);
        this.ingest = new ApiClient(stack.ingestPort);
    }

    /** Posts everything, waits for the sink and the embedder, then {@code vacuum}; {@code cpu} times each step. */
    Build build(Backlog backlog, DoubleSupplier vacuum, CpuMeter cpu) throws Exception {
        Map<String, Map<String, Double>> cores = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        CpuMeter.Window window = cpu.start();
        ConcurrentLinkedQueue<ToRevise> toRevise = new ConcurrentLinkedQueue<>();
        postTraces(toRevise);
        cores.put("posting decisions", window.stop());
        long t1 = System.nanoTime();
        window = cpu.start();
        int revisions = postRevisions(new ArrayList<>(toRevise));
        long t2 = System.nanoTime();
        long filler = postFiller(options.events() - accepted.get());
        cores.put("posting revisions and agents' runs", window.stop());
        long t3 = System.nanoTime();
        window = cpu.start();
        backlog.awaitStored(accepted.get(), options.decisions() + revisions, revisions, stack);
        cores.put("waiting for the sink", window.stop());
        long t4 = System.nanoTime();
        window = cpu.start();
        Backlog.Embedded embedded = backlog.awaitEmbedded(options.decisions() + revisions, stack);
        cores.put("waiting for the embedder", window.stop());
        long t5 = System.nanoTime();
        return new Build(options.decisions(), revisions, filler, accepted.get(), (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9,
                (t4 - t3) / 1e9, embedded, (t5 - t4) / 1e9, vacuum.getAsDouble(), cores, requestPercentiles());
    }

    private void postTraces(ConcurrentLinkedQueue<ToRevise> toRevise) throws Exception {
        AtomicLong next = new AtomicLong();
        try (ProgressBar bar = Progress.bar("posting decisions (POST /v1/trace)", options.decisions(), "dec")) {
            parallel(bar, () -> {
                for (long i = next.getAndIncrement(); i < options.decisions() && failure.get() == null; i = next.getAndIncrement()) {
                    DecisionCorpus.Decision d = corpus.decision(i);
                    ObjectNode body = EventJson.MAPPER.createObjectNode();
                    body.putObject("metadata").put("purpose", "query benchmark").put("case_id", d.caseId());
                    body.set("decision", d.traceJson());
                    JsonNode data = post(d.agentId(), "/v1/trace", body, "trace-" + options.seed() + "-" + i, 202);
                    accepted.addAndGet(data.path("event_count").asLong());
                    if (corpus.isRevised(i, options.revisePercent())) {
                        toRevise.add(new ToRevise(i, d.agentId(), UUID.fromString(data.path("decision_id").asText())));
                    }
                    bar.step();
                }
            });
        }
    }

    /** Each agent reviews its own decisions in one run per hundred revisions: start, DecisionRevised events, complete. */
    private int postRevisions(List<ToRevise> all) throws Exception {
        Map<String, List<ToRevise>> byAgent = new ConcurrentHashMap<>();
        all.forEach(r -> byAgent.computeIfAbsent(r.agentId(), a -> new ArrayList<>()).add(r));
        List<List<ToRevise>> runs = new ArrayList<>();
        byAgent.values().forEach(list -> {
            list.sort(Comparator.comparingLong(ToRevise::index));
            for (int i = 0; i < list.size(); i += REVISIONS_PER_REQUEST) {
                runs.add(list.subList(i, Math.min(list.size(), i + REVISIONS_PER_REQUEST)));
            }
        });
        runs.sort(Comparator.comparingLong(r -> r.getFirst().index()));
        Instant latest = Instant.now().minusSeconds(60);
        AtomicLong next = new AtomicLong();
        try (ProgressBar bar = Progress.bar("posting revisions (DecisionRevised)", all.size(), "dec")) {
            parallel(bar, () -> {
                for (long r = next.getAndIncrement(); r < runs.size() && failure.get() == null; r = next.getAndIncrement()) {
                    List<ToRevise> run = runs.get((int) r);
                    String agent = run.getFirst().agentId();
                    String key = "review-" + options.seed() + "-" + run.getFirst().index();
                    ObjectNode body = EventJson.MAPPER.createObjectNode();
                    ArrayNode events = body.putArray("events");
                    for (ToRevise revise : run) {
                        events.addObject().put("event_type", "DecisionRevised")
                                .set("payload", corpus.revision(revise.index(), latest).revisionJson(revise.decisionId()));
                    }
                    runEvents(agent, key, "decision review", body, run.size());
                    bar.stepBy(run.size());
                }
            });
        }
        return all.size();
    }

    /** Agents' ordinary runs (tool calls, results, observations, messages, reasoning) until {@code target} events. */
    private long postFiller(long target) throws Exception {
        if (target <= 0) {
            return 0;
        }
        AtomicLong reserved = new AtomicLong();
        AtomicLong posted = new AtomicLong();
        AtomicLong workers = new AtomicLong();
        AtomicLong runs = new AtomicLong();
        try (ProgressBar bar = Progress.bar("posting agents' runs (POST /v1/runs/{id}/events)", target, "ev")) {
            parallel(bar, () -> {
                long me = workers.getAndIncrement();
                EventMix mix = new EventMix(options.seed() * 1_000 + me);
                SplittableRandom random = new SplittableRandom(options.seed() + me);
                while (true) {
                    int size = 50 + random.nextInt(301);
                    long start = reserved.getAndAdd(size + 2L);
                    if (start >= target || failure.get() != null) {
                        return;
                    }
                    long run = runs.getAndIncrement();
                    String agent = corpus.agents().get(random.nextInt(corpus.agents().size()));
                    ObjectNode body = EventJson.MAPPER.createObjectNode();
                    ArrayNode events = body.putArray("events");
                    for (int e = 0; e < size; e++) {
                        String type = mix.nextType();
                        events.addObject().put("event_type", type).set("payload", mix.payload(type));
                    }
                    runEvents(agent, "run-" + options.seed() + "-" + run, "agent task", body, size);
                    posted.addAndGet(size + 2L);
                    bar.stepBy(size + 2L);
                }
            });
        }
        return posted.get();
    }

    /** One run: POST /v1/runs, its events in one request, POST complete; every accepted event counted. */
    private void runEvents(String agent, String key, String purpose, ObjectNode events, int expected) throws Exception {
        ObjectNode start = EventJson.MAPPER.createObjectNode();
        start.putObject("metadata").put("purpose", purpose);
        String runId = post(agent, "/v1/runs", start, key + "-start", 201).path("id").asText();
        JsonNode answer = post(agent, "/v1/runs/" + runId + "/events", events, key + "-events", 202);
        if (answer.path("accepted").asInt() != expected) {
            throw new IOException("run " + runId + ": " + answer.path("accepted").asInt() + " of " + expected
                    + " events accepted; rejected: " + answer.path("rejected"));
        }
        post(agent, "/v1/runs/" + runId + "/complete", EventJson.MAPPER.createObjectNode(), key + "-complete", 200);
        accepted.addAndGet(expected + 2L);
    }

    /** POST with the agent's token; a 503 (Kafka slow) or a dropped connection is retried with the same key. */
    private JsonNode post(String agent, String path, ObjectNode body, String idempotencyKey, int expected) throws Exception {
        String json = EventJson.MAPPER.writeValueAsString(body);
        for (int attempt = 1; ; attempt++) {
            try {
                long t0 = System.nanoTime();
                ApiClient.Answer answer = ingest.post(path, stack.token(agent), json, idempotencyKey);
                if (answer.status() == expected) {
                    List<Long> mine = latencies.computeIfAbsent(endpoint(path), e -> new ArrayList<>());
                    synchronized (mine) {
                        mine.add(System.nanoTime() - t0);
                    }
                    return answer.json().path("data");
                }
                if (answer.status() != 503 || attempt == 5) {
                    throw new IOException("POST " + path + " answered " + answer.status() + ": " + ApiClient.abbreviate(answer.body()));
                }
            } catch (IOException e) {
                if (attempt == 5 || e.getMessage() != null && e.getMessage().startsWith("POST ")) {
                    throw e;
                }
            }
            Thread.sleep(200L << attempt);
        }
    }

    private static String endpoint(String path) {
        if (path.endsWith("/events")) {
            return "POST /v1/runs/{id}/events";
        }
        if (path.endsWith("/complete")) {
            return "POST /v1/runs/{id}/complete";
        }
        return "POST " + path;
    }

    private Map<String, Percentiles> requestPercentiles() {
        Map<String, Percentiles> result = new TreeMap<>();
        latencies.forEach((endpoint, values) -> {
            synchronized (values) {
                result.put(endpoint, new Percentiles(values.stream().mapToLong(Long::longValue).toArray()));
            }
        });
        return result;
    }

    private interface Work {
        void run() throws Exception;
    }

    /** Runs {@code work} on POSTERS virtual threads; the first failure stops the build. */
    private void parallel(ProgressBar bar, Work work) throws Exception {
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < POSTERS; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    work.run();
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (Thread thread : threads) {
            while (thread.isAlive()) {
                thread.join(1000);
                stack.requireAlive();
            }
        }
        if (failure.get() != null) {
            throw new IllegalStateException("building the dataset failed at " + bar.getTaskName(), failure.get());
        }
    }
}
