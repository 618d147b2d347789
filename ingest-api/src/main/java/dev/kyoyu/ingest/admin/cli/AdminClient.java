package dev.kyoyu.ingest.admin.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyoyu.schemas.event.EventJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The admin endpoints over HTTP, as the admin whose key the bootstrap wrote. */
final class AdminClient {
    /** An answer the CLI cannot go on from; {@code status} is the process exit status. */
    static final class Failure extends RuntimeException {
        final int status;

        Failure(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AgentsCliConfig config;
    private String token;

    AdminClient(AgentsCliConfig config) {
        this.config = config;
    }

    URI ingestUrl() {
        return config.ingestUrl();
    }

    /** The data of a 2xx answer; any other answer ends the command with the API's own error text. */
    JsonNode call(String method, String path, Object body) {
        return data(send(method, path, body, adminToken()));
    }

    /** The raw answer, for callers that handle one status themselves (e.g. 409). */
    HttpResponse<String> send(String method, String path, Object body) {
        return send(method, path, body, adminToken());
    }

    static JsonNode data(HttpResponse<String> answer) {
        JsonNode envelope = parse(answer);
        if (answer.statusCode() / 100 != 2) {
            JsonNode error = envelope.path("error");
            String field = error.path("details").path("field").asText("");
            throw new Failure(1, "error " + answer.statusCode() + " " + error.path("code").asText("") + ": "
                    + error.path("message").asText(answer.body()) + (field.isEmpty() ? "" : " (field " + field + ")"));
        }
        return envelope.path("data");
    }

    private String adminToken() {
        if (token == null) {
            String key;
            try {
                key = Files.readString(config.keyFile()).trim();
            } catch (NoSuchFileException e) {
                throw new Failure(3, "no admin key at " + config.keyFile() + ": ./kyoyu up makes the first admin and writes it there"
                        + " (lost it? ./kyoyu admin-key --rotate)");
            } catch (IOException e) {
                throw new Failure(3, "cannot read the admin key at " + config.keyFile() + ": " + e.getMessage());
            }
            JsonNode issued = data(send("POST", "/auth/token", Map.of("agent_id", config.adminId(), "api_key", key,
                    "audience", List.of("kyoyu-ingest"), "lifetime_seconds", 300), null));
            token = issued.path("token").asText();
        }
        return token;
    }

    private HttpResponse<String> send(String method, String path, Object body, String bearer) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(config.ingestUrl().resolve(path)).timeout(Duration.ofSeconds(60));
            if (bearer != null) {
                request.header("Authorization", "Bearer " + bearer);
            }
            if (body == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(EventJson.MAPPER.writeValueAsString(body)));
            }
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IllegalArgumentException e) {
            throw new Failure(2, "'" + path + "' cannot be sent: an agent id, key id or role has characters no id has");
        } catch (IOException e) {
            throw new Failure(3, "cannot reach ingest-api at " + config.ingestUrl() + " (is it running? ./kyoyu up): " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure(3, "interrupted");
        }
    }

    private static JsonNode parse(HttpResponse<String> answer) {
        try {
            return EventJson.MAPPER.readTree(answer.body());
        } catch (IOException e) {
            throw new Failure(1, "error " + answer.statusCode() + ": " + answer.body());
        }
    }
}
