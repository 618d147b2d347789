package dev.kyoyu.embedder.provider;

import dev.kyoyu.service.auth.Secret;
import dev.kyoyu.service.config.EnvReader;
import java.net.URI;
import java.time.Duration;

/**
 * Which model embeds decision text and search queries; read the same way by the embedder and query-api
 * (they must agree, or query vectors and stored vectors live in different spaces).
 *
 * @param url                the provider's full endpoint, e.g. {@code https://api.openai.com/v1/embeddings} or
 *                           {@code http://127.0.0.1:11434/api/embeddings}; only for openai and ollama
 * @param apiKey             sent as {@code Authorization: Bearer}; optional (local OpenAI-compatible servers need none)
 * @param clientVectors      whether a decision's own {@code metadata.embedding} (384 numbers) is stored as is
 * @param localThreads       how many texts of one call the local model embeds at once, one thread each
 */
public record EmbeddingSettings(
        Provider provider,
        URI url,
        String model,
        Secret apiKey,
        Duration timeout,
        ClientVectors clientVectors,
        int localThreads) {

    public enum Provider { LOCAL, OPENAI, OLLAMA }

    public enum ClientVectors { ACCEPT, IGNORE }

    public static final String PROVIDER = "KYOYU_EMBEDDING_PROVIDER";
    public static final String URL = "KYOYU_EMBEDDING_URL";
    public static final String MODEL = "KYOYU_EMBEDDING_MODEL";
    public static final String API_KEY = "KYOYU_EMBEDDING_API_KEY";
    public static final String TIMEOUT = "KYOYU_EMBEDDING_TIMEOUT";
    public static final String CLIENT_VECTORS = "KYOYU_EMBEDDING_CLIENT_VECTORS";
    public static final String LOCAL_THREADS = "KYOYU_EMBEDDING_LOCAL_THREADS";

    /** Reads the settings; problems go to the reader and are reported by its {@code finish}. */
    public static EmbeddingSettings read(EnvReader r) {
        Provider provider = r.choice(PROVIDER, Provider.class, Provider.LOCAL);
        URI url = r.optionalHttpUrl(URL);
        String model = r.string(MODEL, null);
        Secret apiKey = r.optionalSecret(API_KEY);
        Duration timeout = r.duration(TIMEOUT, Duration.ofSeconds(10));
        ClientVectors clientVectors = r.choice(CLIENT_VECTORS, ClientVectors.class, ClientVectors.ACCEPT);
        int localThreads = r.integer(LOCAL_THREADS, Runtime.getRuntime().availableProcessors(), 1, 256);
        if (provider != Provider.LOCAL) {
            String name = provider.name().toLowerCase(java.util.Locale.ROOT);
            if (url == null) {
                r.problem(URL + " is required when " + PROVIDER + "=" + name + " (e.g. "
                        + (provider == Provider.OPENAI ? "https://api.openai.com/v1/embeddings" : "http://127.0.0.1:11434/api/embeddings") + ")");
            }
            if (model == null) {
                r.problem(MODEL + " is required when " + PROVIDER + "=" + name + " (e.g. "
                        + (provider == Provider.OPENAI ? "text-embedding-3-small" : "all-minilm") + ")");
            }
        } else if (url != null || model != null) {
            r.problem(URL + " and " + MODEL + " only apply to the openai and ollama providers; " + PROVIDER + " is local");
        }
        return new EmbeddingSettings(provider, url, model, apiKey, timeout, clientVectors, localThreads);
    }

    /** Builds the provider; the local model loads here (about a second), so a broken install fails at startup. */
    public EmbeddingProvider createProvider() {
        return switch (provider) {
            case LOCAL -> new LocalMiniLmProvider(localThreads);
            case OPENAI -> new HttpEmbeddingProvider(HttpEmbeddingProvider.Api.OPENAI, url, model, apiKey, timeout);
            case OLLAMA -> new HttpEmbeddingProvider(HttpEmbeddingProvider.Api.OLLAMA, url, model, apiKey, timeout);
        };
    }
}
