package dev.kyoyu.embedder.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.embedder.EmbedderConfig;
import dev.kyoyu.service.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmbeddingSettingsTest {
    @Test
    void defaultsToTheLocalModelAndAcceptsClientVectors() {
        EmbedderConfig config = EmbedderConfig.fromEnv(Map.of("KYOYU_PG_URL", "jdbc:postgresql://h/db"));
        assertEquals(EmbeddingSettings.Provider.LOCAL, config.embedding().provider());
        assertEquals(EmbeddingSettings.ClientVectors.ACCEPT, config.embedding().clientVectors());
        assertEquals(8078, config.port());
        assertEquals(Runtime.getRuntime().availableProcessors(), config.embedding().localThreads());
    }

    @Test
    void reportsEveryProblemAtOnce() {
        ConfigException e = assertThrows(ConfigException.class, () -> EmbedderConfig.fromEnv(Map.of(
                "KYOYU_EMBEDDING_PROVIDER", "openai",
                "KYOYU_EMBEDDER_BATCH_SIZE", "0",
                "KYOYU_EMBEDDING_LOCAL_THREADS", "0",
                "KYOYU_EMBEDDING_CLIENT_VECTORS", "maybe")));
        String message = e.getMessage();
        assertTrue(message.contains("KYOYU_PG_URL is required"), message);
        assertTrue(message.contains("KYOYU_EMBEDDER_BATCH_SIZE=0"), message);
        assertTrue(message.contains("KYOYU_EMBEDDING_LOCAL_THREADS=0"), message);
        assertTrue(message.contains("KYOYU_EMBEDDING_URL is required when KYOYU_EMBEDDING_PROVIDER=openai"), message);
        assertTrue(message.contains("KYOYU_EMBEDDING_MODEL is required"), message);
        assertTrue(message.contains("KYOYU_EMBEDDING_CLIENT_VECTORS=maybe is not one of accept|ignore"), message);
    }

    @Test
    void rejectsAnUnknownProviderInsteadOfFallingBack() {
        ConfigException e = assertThrows(ConfigException.class, () -> EmbedderConfig.fromEnv(Map.of(
                "KYOYU_PG_URL", "jdbc:postgresql://h/db", "KYOYU_EMBEDDING_PROVIDER", "cohere")));
        assertTrue(e.getMessage().contains("KYOYU_EMBEDDING_PROVIDER=cohere is not one of local|openai|ollama"), e.getMessage());
    }

    @Test
    void keepsTheKeySecret() {
        EmbedderConfig config = EmbedderConfig.fromEnv(Map.of("KYOYU_PG_URL", "jdbc:postgresql://h/db",
                "KYOYU_EMBEDDING_PROVIDER", "openai", "KYOYU_EMBEDDING_URL", "https://api.example.com/v1/embeddings",
                "KYOYU_EMBEDDING_MODEL", "text-embedding-3-small", "KYOYU_EMBEDDING_API_KEY", "sk-very-secret"));
        assertTrue(!config.toString().contains("sk-very-secret"), config.toString());
        assertEquals("sk-very-secret", config.embedding().apiKey().reveal());
    }
}
