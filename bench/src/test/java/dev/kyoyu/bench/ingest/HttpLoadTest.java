package dev.kyoyu.bench.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HttpLoadTest {
    @Test
    void readsTheAcceptedCountWithoutParsingTheEnvelope() {
        assertEquals(1000, HttpLoad.acceptedCount("{\"data\":{\"accepted\":1000,\"event_ids\":[\"a\"],\"rejected\":[]}}"));
        assertEquals(7, HttpLoad.acceptedCount("{\"data\":{\"rejected\":[],\"accepted\": 7}}"));
        assertEquals(0, HttpLoad.acceptedCount("{\"error\":{\"code\":\"UNAVAILABLE\"}}"));
    }

    @Test
    void derivesTheApiKeyAsLowercaseHexHmac() {
        // HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog"), RFC 4231-style reference value.
        assertEquals("f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8",
                IngestBench.apiKey("key", "The quick brown fox jumps over the lazy dog"));
    }
}
