package dev.kyoyu.embedder.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.service.auth.Secret;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An embedding service over HTTP: OpenAI's {@code POST /v1/embeddings} (and the many servers that speak
 * it), or Ollama's {@code POST /api/embeddings}. Failures are classified where they happen: no answer,
 * 408, 429 and 5xx are retriable; 401, 403 and 404 (wrong key, URL or model) and a vector of the wrong
 * width are misconfiguration; any other 4xx means the provider refuses this input.
 */
public final class HttpEmbeddingProvider implements EmbeddingProvider {
    public enum Api { OPENAI, OLLAMA }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Api api;
    private final URI url;
    private final String model;
    private final Secret apiKey;
    private final Duration timeout;
    private final HttpClient client;

    public HttpEmbeddingProvider(Api api, URI url, String model, Secret apiKey, Duration timeout) {
        this.api = api;
        this.url = url;
        this.model = model;
        this.apiKey = apiKey;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public String model() {
        return api.name().toLowerCase(Locale.ROOT) + ":" + model;
    }

    @Override
    public List<float[]> embed(List<String> texts) throws EmbeddingException {
        if (api == Api.OPENAI) {
            return openAi(texts);
        }
        // Ollama's /api/embeddings takes one prompt per request.
        List<float[]> vectors = new ArrayList<>(texts.size());
        for (String text : texts) {
            ObjectNode body = JSON.createObjectNode().put("model", model).put("prompt", text);
            vectors.add(vector(call(body).path("embedding"), "embedding"));
        }
        return vectors;
    }

    private List<float[]> openAi(List<String> texts) throws EmbeddingException {
        ObjectNode body = JSON.createObjectNode().put("model", model);
        ArrayNode input = body.putArray("input");
        texts.forEach(input::add);
        // text-embedding-3-* can shorten their vectors to the column's width.
        body.put("dimensions", DIMENSIONS);
        JsonNode data = call(body).path("data");
        if (!data.isArray() || data.size() != texts.size()) {
            throw new EmbeddingException.Misconfigured(url + " answered " + data.size() + " embeddings for " + texts.size() + " inputs", null);
        }
        float[][] ordered = new float[texts.size()][];
        for (JsonNode item : data) {
            int index = item.path("index").asInt(-1);
            if (index < 0 || index >= ordered.length || ordered[index] != null) {
                throw new EmbeddingException.Misconfigured(url + " answered an embedding with a bad index " + item.path("index"), null);
            }
            ordered[index] = vector(item.path("embedding"), "data[" + index + "].embedding");
        }
        return List.of(ordered);
    }

    private JsonNode call(ObjectNode body) throws EmbeddingException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey.reveal());
        }
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new EmbeddingException.Retriable("no answer from " + url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddingException.Retriable("interrupted while calling " + url, e);
        }
        int status = response.statusCode();
        String what = url + " answered " + status + ": " + abbreviate(response.body());
        if (status == 408 || status == 429 || status >= 500) {
            throw new EmbeddingException.Retriable(what, null);
        }
        if (status == 401 || status == 403 || status == 404) {
            throw new EmbeddingException.Misconfigured(what, null);
        }
        if (status != 200) {
            throw new EmbeddingException.Unembeddable(what, null);
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new EmbeddingException.Misconfigured(url + " answered 200 with a body that is not JSON", e);
        }
    }

    private float[] vector(JsonNode node, String field) throws EmbeddingException {
        if (!node.isArray() || node.size() != DIMENSIONS) {
            throw new EmbeddingException.Misconfigured(url + " answered " + field + " with "
                    + (node.isArray() ? node.size() + " dimensions" : "no array") + "; the store needs " + DIMENSIONS
                    + " (choose a model or dimensions setting that produces " + DIMENSIONS + ")", null);
        }
        float[] vector = new float[DIMENSIONS];
        for (int i = 0; i < DIMENSIONS; i++) {
            if (!node.get(i).isNumber()) {
                throw new EmbeddingException.Misconfigured(url + " answered a non-number in " + field, null);
            }
            vector[i] = (float) node.get(i).asDouble();
        }
        return vector;
    }

    private static String abbreviate(String body) {
        String oneLine = body == null ? "" : body.replaceAll("\\s+", " ").strip();
        return oneLine.length() > 300 ? oneLine.substring(0, 300) + "…" : oneLine;
    }
}
