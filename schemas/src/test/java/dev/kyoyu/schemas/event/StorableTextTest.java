package dev.kyoyu.schemas.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StorableTextTest {
    @Test
    void acceptsOrdinaryTextAndSurrogatePairs() {
        assertNull(StorableText.problem("plain ü 漢字 \uD83D\uDE00"));
    }

    @Test
    void refusesNulAndLoneSurrogatesAnywhereInTheText() {
        assertTrue(StorableText.problem("a\0b").contains("NUL"));
        assertTrue(StorableText.problem("\uD800").contains("surrogate"), "lone high surrogate at the end");
        assertTrue(StorableText.problem("\uD800x").contains("surrogate"), "high surrogate not followed by a low one");
        assertTrue(StorableText.problem("x\uDC00").contains("surrogate"), "lone low surrogate");
    }

    @Test
    void namesThePathOfTheFirstBadValueOrTheObjectHoldingABadKey() throws Exception {
        StorableText.Bad value = StorableText.find(EventJson.MAPPER.readTree("{\"a\":{\"b\":[1,\"ok\",\"x\\u0000\"]}}"), "metadata");
        assertEquals("metadata.a.b[2]", value.field());
        StorableText.Bad key = StorableText.find(EventJson.MAPPER.readTree("{\"a\":{\"\\ud800\":1}}"), "metadata");
        assertEquals("metadata.a", key.field());
        assertTrue(key.reason().contains("key"));
        assertNull(StorableText.find(EventJson.MAPPER.readTree("{\"a\":[\"fine\",{\"k\":null}]}"), "metadata"));
    }
}
