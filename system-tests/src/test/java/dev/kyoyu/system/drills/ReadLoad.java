package dev.kyoyu.system.drills;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyoyu.schemas.event.EventJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A steady query load on query-api: clients that each ask {@code POST /v1/query} for one agent's decisions in a
 * loop, recording for every answer when it was asked, its status, which pool answered ({@code X-Kyoyu-Read-From})
 * and the total it reported. A failure to get an answer at all is recorded as status -1.
 */
final class ReadLoad implements AutoCloseable {
    /** One answer: {@code sentNanos} on {@link System#nanoTime()}'s clock, {@code total} -1 unless a 200. */
    record Read(long sentNanos, long answeredNanos, int status, String pool, long total, String problem) {
    }

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final URI uri;
    private final String token;
    private final String body;
    private final Duration pause;
    private final ConcurrentLinkedQueue<Read> reads = new ConcurrentLinkedQueue<>();
    private final List<Thread> clients = new ArrayList<>();
    private volatile boolean stopped;

    ReadLoad(int queryPort, String token, String agentId, int clients, Duration pause) {
        this.uri = URI.create("http://127.0.0.1:" + queryPort + "/v1/query");
        this.token = token;
        this.body = "{\"filters\":{\"agent_id\":\"" + agentId + "\"},\"limit\":1}";
        this.pause = pause;
        for (int i = 0; i < clients; i++) {
            this.clients.add(Thread.ofPlatform().daemon().name("read-load-" + i).start(this::loop));
        }
    }

    private void loop() {
        while (!stopped) {
            reads.add(readOnce());
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private Read readOnce() {
        long sent = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            String pool = response.headers().firstValue("X-Kyoyu-Read-From").orElse("(none)");
            if (response.statusCode() != 200) {
                return new Read(sent, System.nanoTime(), response.statusCode(), pool, -1, response.body());
            }
            JsonNode answer = EventJson.MAPPER.readTree(response.body());
            return new Read(sent, System.nanoTime(), 200, pool, answer.path("data").path("total").asLong(-1), null);
        } catch (Exception e) {
            return new Read(sent, System.nanoTime(), -1, "(none)", -1, e.toString());
        }
    }

    /** Every answer so far, in no particular order. */
    List<Read> reads() {
        return List.copyOf(reads);
    }

    /** Answers by pool, counted. */
    Map<String, Long> byPool() {
        Map<String, Long> counts = new TreeMap<>();
        for (Read read : reads) {
            counts.merge(read.pool(), 1L, Long::sum);
        }
        return counts;
    }

    List<Read> errors() {
        return reads.stream().filter(read -> read.status() != 200).toList();
    }

    @Override
    public void close() {
        stopped = true;
        for (Thread client : clients) {
            try {
                client.join(Duration.ofSeconds(35));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        http.close();
    }
}
