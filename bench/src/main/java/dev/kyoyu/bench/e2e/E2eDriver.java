package dev.kyoyu.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.bench.load.EventMix;
import dev.kyoyu.bench.query.ApiClient;
import dev.kyoyu.bench.query.DecisionCorpus;
import dev.kyoyu.bench.query.QueryStack;
import dev.kyoyu.schemas.event.EventJson;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Many agents posting over HTTP, open loop: a scheduler hands out requests at the current target rate (changeable
 * while running), each on its own virtual thread so a slow answer never slows the schedule; at most
 * {@code maxInFlight} outstanding, one more is an error ("client backlog": the server is not keeping up). Batches
 * rotate over every agent's open runs; a few per second go to a fresh run and are followed by {@link Visibility}
 * until query-api returns them; decisions go through POST /v1/trace and are followed on an SSE subscription.
 */
final class E2eDriver {
    private static final int BODIES = 256;
    private static final long TICK_NANOS = 2_000_000;

    private final E2eOptions options;
    private final QueryStack stack;
    private final ApiClient ingest;
    private final Visibility visibility;
    private final DecisionCorpus corpus;
    private final List<String[]> runs = new ArrayList<>();
    private final List<String> bodies = new ArrayList<>();
    private final Semaphore slots;
    /** Events in every request the driver sent (or tried to), and in every 201/202 that came back. */
    final AtomicLong sent = new AtomicLong();
    final AtomicLong acknowledged = new AtomicLong();
    private final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
    /** The first answer of each kind of error, so the report says what the server said. */
    private final Map<String, String> firstAnswers = new ConcurrentHashMap<>();
    private volatile double rate;
    private volatile boolean stopping;
    private Thread scheduler;
    private double meanEventBytes;

    E2eDriver(E2eOptions options, QueryStack stack, Visibility visibility) {
        this.options = options;
        this.stack = stack;
        this.ingest = new ApiClient(stack.ingestPort);
        this.visibility = visibility;
        this.slots = new Semaphore(options.maxInFlight());
        Instant now = Instant.now();
        this.corpus = new DecisionCorpus(options.seed() + 1, Math.max(8, options.agents()), now.minus(Duration.ofDays(1)), now);
    }

    /** Opens every agent's runs and builds the request bodies from the seeded event mix. */
    void prepare() throws IOException, InterruptedException {
        for (int a = 0; a < options.agents(); a++) {
            String agent = String.format("e2e-agent-%03d", a + 1);
            for (int r = 0; r < options.runsPerAgent(); r++) {
                runs.add(new String[] {agent, openRun(agent)});
            }
        }
        EventMix mix = new EventMix(options.seed() * 7919);
        long bytes = 0;
        for (int b = 0; b < BODIES; b++) {
            ObjectNode body = EventJson.MAPPER.createObjectNode();
            ArrayNode events = body.putArray("events");
            for (int e = 0; e < options.batch(); e++) {
                String type = mix.nextType();
                ObjectNode event = events.addObject().put("event_type", type);
                event.set("payload", mix.payload(type));
                bytes += event.toString().length();
            }
            bodies.add(body.toString());
        }
        meanEventBytes = (double) bytes / (BODIES * options.batch());
    }

    double meanEventBytes() {
        return meanEventBytes;
    }

    private String openRun(String agent) throws IOException, InterruptedException {
        sent.incrementAndGet();
        String id = ingest.postExpecting("/v1/runs", stack.token(agent), "{\"metadata\":{\"purpose\":\"e2e bench\"}}", 201).path("id").asText();
        acknowledged.incrementAndGet();
        return id;
    }

    void start() {
        scheduler = Thread.ofPlatform().name("e2e-schedule").daemon().start(this::schedule);
    }

    void rate(double eventsPerSecond) {
        this.rate = eventsPerSecond;
    }

    double rate() {
        return rate;
    }

    long errorCount() {
        return errors.values().stream().mapToLong(AtomicLong::get).sum();
    }

    Map<String, Long> errors() {
        Map<String, Long> copy = new TreeMap<>();
        errors.forEach((kind, n) -> copy.put(kind, n.get()));
        return copy;
    }

    int inFlight() {
        return options.maxInFlight() - slots.availablePermits();
    }

    /** Credits requests as the rate allows (batches and decisions each on their own credit), every 2 ms. */
    private void schedule() {
        double batchCredit = 0;
        double traceCredit = 0;
        double probeCredit = 0;
        long k = 0;
        long decision = 0;
        long last = System.nanoTime();
        while (!stopping) {
            LockSupport.parkNanos(TICK_NANOS);
            long now = System.nanoTime();
            double seconds = (now - last) / 1e9;
            last = now;
            double current = rate;
            batchCredit += current * seconds / options.batch();
            traceCredit += current > 0 ? options.decisionsPerSecond() * seconds : 0;
            probeCredit += current > 0 ? options.probesPerSecond() * seconds : 0;
            for (; batchCredit >= 1 && !stopping; batchCredit--) {
                boolean probe = probeCredit >= 1;
                if (probe) {
                    probeCredit--;
                }
                long index = k++;
                launch(options.batch(), () -> batch(index, probe));
            }
            for (; traceCredit >= 1 && !stopping; traceCredit--) {
                long index = decision++;
                launch(3, () -> trace(index));
            }
        }
    }

    private interface Request {
        void send() throws IOException, InterruptedException;
    }

    private void launch(int events, Request request) {
        sent.addAndGet(events);
        if (!slots.tryAcquire()) {
            error("client backlog (over " + options.maxInFlight() + " in flight)");
            return;
        }
        Thread.ofVirtual().start(() -> {
            try {
                request.send();
            } catch (IOException | InterruptedException | RuntimeException e) {
                error(e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
            } finally {
                slots.release();
            }
        });
    }

    private void batch(long index, boolean probe) throws IOException, InterruptedException {
        String[] run = runs.get((int) (index % runs.size()));
        String runId = probe ? openRun(run[0]) : run[1];
        ApiClient.Answer answer = ingest.post("/v1/runs/" + runId + "/events", stack.token(run[0]), bodies.get((int) (index % BODIES)));
        long acceptedAt = System.nanoTime();
        if (answer.status() != 202) {
            error("HTTP " + answer.status(), answer.body());
            return;
        }
        JsonNode data = answer.json().path("data");
        int accepted = data.path("accepted").asInt();
        acknowledged.addAndGet(accepted);
        if (accepted != options.batch()) {
            error("batch partly rejected");
        }
        if (probe && accepted > 0) {
            JsonNode ids = data.path("event_ids");
            visibility.watchEvent(runId, ids.get(ids.size() - 1).asText(), acceptedAt);
        }
    }

    private void trace(long index) throws IOException, InterruptedException {
        DecisionCorpus.Decision d = corpus.decision(index);
        ObjectNode decision = d.traceJson();
        decision.remove("valid_from");
        ObjectNode body = EventJson.MAPPER.createObjectNode();
        body.set("decision", decision);
        ApiClient.Answer answer = ingest.post("/v1/trace", stack.token(d.agentId()), body.toString());
        long acceptedAt = System.nanoTime();
        if (answer.status() != 202) {
            error("trace HTTP " + answer.status(), answer.body());
            return;
        }
        JsonNode data = answer.json().path("data");
        // The scheduler counted 3 events per trace; a trace that opens its own run carries its start and end too.
        int events = data.path("event_count").asInt();
        sent.addAndGet(events - 3);
        acknowledged.addAndGet(events);
        visibility.watchDecision(data.path("decision_id").asText(), acceptedAt);
    }

    private void error(String kind) {
        errors.computeIfAbsent(kind, x -> new AtomicLong()).incrementAndGet();
    }

    private void error(String kind, String answer) {
        error(kind);
        firstAnswers.putIfAbsent(kind, ApiClient.abbreviate(answer));
    }

    Map<String, String> firstAnswers() {
        return new TreeMap<>(firstAnswers);
    }

    /** Stops the schedule and waits (a minute at most) for the requests in flight. */
    void stop() throws InterruptedException {
        stopping = true;
        if (scheduler != null) {
            scheduler.join();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (inFlight() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }
}
