package dev.kyoyu.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyoyu.schemas.event.EventJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small client for the Kyoyu HTTP APIs that returns status, headers and the parsed envelope. */
public final class HttpJson {
    private final HttpClient client;
    private final String baseUrl;

    public record Response(int status, JsonNode body, HttpResponse<String> raw) {
        public JsonNode data() {
            return body.path("data");
        }

        public JsonNode error() {
            return body.path("error");
        }
    }

    public HttpJson(int port) {
        this(port, newClient());
    }

    private HttpJson(int port, HttpClient client) {
        this.baseUrl = "http://127.0.0.1:" + port;
        this.client = client;
    }

    /**
     * A client that opens a new connection for every request, for servers run with an idle timeout of seconds:
     * a pooled connection reused just as the server closes it fails a POST, which the JDK does not retry.
     */
    public static HttpJson connectionPerRequest(int port) {
        return new HttpJson(port, null);
    }

    private static HttpClient newClient() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    public String baseUrl() {
        return baseUrl;
    }

    public Response get(String path, String token) {
        return send(builder(path, token).GET().build());
    }

    public Response post(String path, String token, String contentType, String body) {
        return send(builder(path, token).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    public Response postJson(String path, String token, Object body) {
        try {
            return post(path, token, "application/json", EventJson.MAPPER.writeValueAsString(body));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Any method; {@code contentType} and {@code body} may be null for a request without a body. */
    public Response send(String method, String path, String token, String contentType, String body) {
        HttpRequest.Builder builder = builder(path, token);
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        return send(builder.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** A JSON POST with extra headers, e.g. {@code Idempotency-Key}. */
    public Response postJson(String path, String token, Object body, java.util.Map<String, String> headers) {
        try {
            HttpRequest.Builder builder = builder(path, token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(EventJson.MAPPER.writeValueAsString(body)));
            headers.forEach(builder::header);
            return send(builder.build());
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Exchanges the agent's API key for a bearer token. */
    public String token(String agentId, String apiKey) {
        Response response = postJson("/auth/token", null, java.util.Map.of("agent_id", agentId, "api_key", apiKey));
        if (response.status() != 200) {
            throw new AssertionError("token request failed: " + response.status() + " " + response.body());
        }
        return response.data().path("token").asText();
    }

    private HttpRequest.Builder builder(String path, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(60));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    private Response send(HttpRequest request) {
        if (client != null) {
            return send(client, request);
        }
        try (HttpClient once = newClient()) {
            return send(once, request);
        }
    }

    private static Response send(HttpClient client, HttpRequest request) {
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            boolean json = response.headers().firstValue("Content-Type").orElse("").startsWith("application/json");
            JsonNode body = json ? EventJson.MAPPER.readTree(response.body()) : EventJson.MAPPER.createObjectNode();
            return new Response(response.statusCode(), body, response);
        } catch (IOException e) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
