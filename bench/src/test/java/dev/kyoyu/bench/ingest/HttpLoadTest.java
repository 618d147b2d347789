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
}
