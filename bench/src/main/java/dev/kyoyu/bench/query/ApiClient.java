package dev.kyoyu.bench.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyoyu.bench.stack.LoopbackHttp;
import dev.kyoyu.schemas.event.EventJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** JSON over HTTP/1.1 to one of the child services, as any client of the API would send it. */
public final class ApiClient {
    public record Answer(int status, String body) {
        public JsonNode json() throws IOException {
            return EventJson.MAPPER.readTree(body);
        }
    }

    private final HttpClient client = LoopbackHttp.client();
    private final URI base;

    public ApiClient(int port) {
        this.base = URI.create("http://127.0.0.1:" + port);
    }

    public Answer post(String path, String bearer, String json) throws IOException, InterruptedException {
        return post(path, bearer, json, null);
    }

    /** With an {@code Idempotency-Key} (may be null), so a retry of the same request records nothing twice. */
    Answer post(String path, String bearer, String json, String idempotencyKey) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body());
    }

    /** A GET with a bearer token, e.g. a read through query-api. */
    public Answer get(String pathAndQuery, String bearer) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + bearer).GET().build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body());
    }

    /** POSTs and returns {@code data} of the envelope; anything but {@code expected} is an IOException with the answer. */
    public JsonNode postExpecting(String path, String bearer, String json, int expected) throws IOException, InterruptedException {
        Answer answer = post(path, bearer, json);
        if (answer.status() != expected) {
            throw new IOException("POST " + path + " answered " + answer.status() + ": " + abbreviate(answer.body()));
        }
        return answer.json().path("data");
    }

    public static String abbreviate(String body) {
        return body.length() <= 300 ? body : body.substring(0, 300) + "…";
    }
}
