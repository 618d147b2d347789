package dev.kyoyu.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.schemas.event.EventIds;
import dev.kyoyu.schemas.event.EventJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A bounded, steady load on the ingest API over loopback: {@code clients} virtual threads, each
 * posting batches of events to the runs of its agents, pausing between requests, until stopped or
 * until {@code maxDuration} has passed. Records every acknowledged event id and, per request, the
 * status (or transport failure), its latency and Retry-After, so a drill can assert what agents saw.
 *
 * <p>Runs are started (one per agent) before the load begins, while the stack is healthy. With
 * {@link Builder#clientIds}, the generator chooses the event ids itself, so even the ids of
 * requests that failed are known.
 */
public final class LoadGenerator implements AutoCloseable {
    /** The event type every generated event carries, to find them among run lifecycle events. */
    public static final String EVENT_TYPE = "DrillLoadEmitted";
    /** Status recorded for a request that got no HTTP answer (connection refused, reset, timeout). */
    public static final int NO_RESPONSE = -1;

    private final Builder settings;
    private final HttpClient http;
    private final List<Agent> agents;
    private final Set<UUID> acknowledged = concurrentSet();
    private final Set<UUID> unacknowledged = concurrentSet();
    private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> anomalies = new ConcurrentLinkedQueue<>();
    private final AtomicLong sequence = new AtomicLong();
    private final List<Thread> clients = new ArrayList<>();
    private final long startedNanos;
    private volatile boolean stopping;

    /** One request: when it began and ended (System.nanoTime), what came back. */
    public record Sample(long startNanos, long endNanos, int status, String retryAfter, String error, int events) {
        public Duration latency() {
            return Duration.ofNanos(endNanos - startNanos);
        }

        public boolean acknowledged() {
            return status == 202;
        }
    }

    /**
     * What happened during the whole load.
     *
     * @param anomalies answers that broke the contract in a way no status shows (a 202 naming other
     *                  ids than were sent, or fewer); a drill asserts there are none
     */
    public record Report(Set<UUID> acknowledged, Set<UUID> unacknowledged, List<Sample> samples, Set<UUID> runIds,
                         List<String> anomalies) {
        public Map<Integer, Long> statusCounts() {
            Map<Integer, Long> counts = new TreeMap<>();
            samples.forEach(s -> counts.merge(s.status(), 1L, Long::sum));
            return counts;
        }

        public List<Sample> matching(Predicate<Sample> filter) {
            return samples.stream().filter(filter).toList();
        }

        public Duration slowest() {
            return samples.stream().map(Sample::latency).max(Duration::compareTo).orElse(Duration.ZERO);
        }

        @Override
        public String toString() {
            return "load: " + samples.size() + " requests " + statusCounts() + ", " + acknowledged.size()
                    + " events acknowledged, " + unacknowledged.size() + " not, slowest answer " + slowest().toMillis() + " ms";
        }
    }

    private record Agent(String id, String token, UUID runId) {
    }

    private LoadGenerator(Builder settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
        this.agents = settings.agentIds.stream().map(this::openRun).toList();
        this.startedNanos = System.nanoTime();
        for (int i = 0; i < settings.clients; i++) {
            int client = i;
            clients.add(Thread.ofVirtual().name("load-client-" + i).start(() -> runClient(client)));
        }
    }

    /** @param tokenForAgent a bearer token for each agent, e.g. {@link TestTokens} or {@link LocalStack#token} */
    public static Builder builder(int ingestPort, Function<String, String> tokenForAgent) {
        return new Builder(ingestPort, tokenForAgent);
    }

    public static final class Builder {
        private final int ingestPort;
        private final Function<String, String> tokens;
        private List<String> agentIds = List.of("drill-agent");
        private int clients = 2;
        private int batchSize = 20;
        private Duration pause = Duration.ofMillis(50);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private Duration maxDuration = Duration.ofMinutes(3);
        private long maxRequestsPerClient = Long.MAX_VALUE;
        private boolean clientIds;

        private Builder(int ingestPort, Function<String, String> tokens) {
            this.ingestPort = ingestPort;
            this.tokens = tokens;
        }

        /** The agents posting; each gets a run, and requests go round-robin over them. */
        public Builder agents(List<String> ids) {
            this.agentIds = List.copyOf(ids);
            return this;
        }

        public Builder clients(int count) {
            this.clients = count;
            return this;
        }

        public Builder batchSize(int events) {
            this.batchSize = events;
            return this;
        }

        /** How long each client waits between two requests. */
        public Builder pause(Duration pause) {
            this.pause = pause;
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        /** The load stops by itself after this long, whatever the test does. */
        public Builder maxDuration(Duration duration) {
            this.maxDuration = duration;
            return this;
        }

        /** Each client stops by itself after this many requests: a load of known size. */
        public Builder maxRequestsPerClient(long requests) {
            this.maxRequestsPerClient = requests;
            return this;
        }

        /** Send event ids chosen here (UUIDv7), so the ids of unacknowledged events are known too. */
        public Builder clientIds(boolean enabled) {
            this.clientIds = enabled;
            return this;
        }

        /** Starts the agents' runs, then the clients. */
        public LoadGenerator start() {
            return new LoadGenerator(this);
        }
    }

    // --- live view -----------------------------------------------------------------------------

    public long acknowledgedCount() {
        return acknowledged.size();
    }

    /** Requests answered with this status so far ({@link #NO_RESPONSE} for none). */
    public long count(int status) {
        return samples.stream().filter(s -> s.status() == status).count();
    }

    /** Requests that began at or after {@code nanos} (System.nanoTime) and were answered with this status. */
    public long countSince(long nanos, int status) {
        return samples.stream().filter(s -> s.startNanos() >= nanos && s.status() == status).count();
    }

    /** True once every client has stopped by itself (max requests or max duration reached). */
    public boolean finished() {
        return clients.stream().noneMatch(Thread::isAlive);
    }

    /** Stops the clients, lets in-flight requests finish (bounded by the request timeout), and reports. */
    public Report stop() {
        stopping = true;
        for (Thread client : clients) {
            try {
                if (!client.join(settings.requestTimeout.plusSeconds(5))) {
                    throw new AssertionError(client.getName() + " did not stop within " + settings.requestTimeout.plusSeconds(5));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while stopping the load", e);
            }
        }
        http.close();
        return new Report(Set.copyOf(acknowledged), Set.copyOf(unacknowledged), List.copyOf(samples),
                agents.stream().map(Agent::runId).collect(Collectors.toUnmodifiableSet()), List.copyOf(anomalies));
    }

    @Override
    public void close() {
        if (!stopping) {
            stop();
        }
    }

    // --- the clients ---------------------------------------------------------------------------

    private Agent openRun(String agentId) {
        HttpJson api = new HttpJson(settings.ingestPort);
        String token = settings.tokens.apply(agentId);
        HttpJson.Response run = api.postJson("/v1/runs", token, Map.of("metadata", Map.of("source", "load-generator")));
        if (run.status() != 201) {
            throw new AssertionError("cannot start a run for " + agentId + ": " + run.status() + " " + run.raw().body());
        }
        return new Agent(agentId, token, UUID.fromString(run.data().path("id").asText()));
    }

    private void runClient(int client) {
        long deadline = startedNanos + settings.maxDuration.toNanos();
        for (long request = 0; request < settings.maxRequestsPerClient && !stopping && System.nanoTime() < deadline; request++) {
            Agent agent = agents.get((int) ((client + request * settings.clients) % agents.size()));
            post(client, agent);
            try {
                Thread.sleep(settings.pause); // pacing the load, not waiting for a fact
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void post(int client, Agent agent) {
        List<UUID> ids = new ArrayList<>();
        ObjectNode body = EventJson.MAPPER.createObjectNode();
        ArrayNode events = body.putArray("events");
        for (int i = 0; i < settings.batchSize; i++) {
            ObjectNode event = events.addObject();
            event.put("event_type", EVENT_TYPE);
            if (settings.clientIds) {
                UUID id = EventIds.newId();
                ids.add(id);
                event.put("id", id.toString());
            }
            event.putObject("payload").put("client", client).put("seq", sequence.incrementAndGet()).put("agent", agent.id());
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + settings.ingestPort + "/v1/runs/" + agent.runId() + "/events"))
                .timeout(settings.requestTimeout)
                .header("Authorization", "Bearer " + agent.token())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            long end = System.nanoTime();
            int status = response.statusCode();
            if (status == 202) {
                JsonNode eventIds = EventJson.MAPPER.readTree(response.body()).path("data").path("event_ids");
                List<UUID> stored = new ArrayList<>();
                eventIds.forEach(id -> stored.add(UUID.fromString(id.asText())));
                if (settings.clientIds ? !stored.equals(ids) : stored.size() != settings.batchSize) {
                    anomalies.add("a 202 for " + settings.batchSize + " events named " + stored.size()
                            + " ids" + (settings.clientIds ? " other than the ones sent" : "") + ": " + abbreviate(response.body()));
                }
                acknowledged.addAll(stored);
            } else {
                unacknowledged.addAll(ids);
            }
            samples.add(new Sample(start, end, status, response.headers().firstValue("Retry-After").orElse(null),
                    status == 202 ? null : abbreviate(response.body()), settings.batchSize));
        } catch (IOException e) {
            unacknowledged.addAll(ids);
            samples.add(new Sample(start, System.nanoTime(), NO_RESPONSE, null, e.toString(), settings.batchSize));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "…";
    }

    private static <T> Set<T> concurrentSet() {
        return Collections.newSetFromMap(new ConcurrentHashMap<>());
    }
}
