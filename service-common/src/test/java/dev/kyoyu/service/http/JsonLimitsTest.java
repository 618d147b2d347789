package dev.kyoyu.service.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kyoyu.schemas.event.EventJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A parser limit reaches the client as the limit it is, in the client's words, without Jackson's names. */
class JsonLimitsTest {
    private static final JsonLimits LIMITS = new JsonLimits(10_000, 8, 100, 50, 20, 10);

    private static ObjectMapper mapper() {
        ObjectMapper mapper = EventJson.MAPPER.copy();
        mapper.getFactory().setStreamReadConstraints(LIMITS.constraints());
        return mapper;
    }

    private static ApiException violation(String json) {
        StreamConstraintsException e = assertThrows(StreamConstraintsException.class,
                () -> mapper().readTree(json.getBytes(StandardCharsets.UTF_8)));
        ApiException answer = JsonLimits.violation(e);
        assertFalse(answer.getMessage().contains("StreamReadConstraints"), answer.getMessage());
        assertFalse(answer.getMessage().contains("`"), answer.getMessage());
        return answer;
    }

    @Test
    void eachLimitIsNamedWithItsValue() {
        assertTrue(violation("[".repeat(20) + "]".repeat(20)).getMessage().contains("nesting depth exceeds the limit of 8 levels"));
        assertTrue(violation("[" + "1,".repeat(200) + "1]").getMessage().contains("limit of 100 tokens"));
        assertTrue(violation("[\"" + "x".repeat(60) + "\"]").getMessage().contains("limit of 50 characters"));
        assertTrue(violation("{\"" + "k".repeat(30) + "\":1}").getMessage().contains("field name is longer than the limit of 20"));
        assertTrue(violation("[" + "9".repeat(30) + "]").getMessage().contains("number is longer than the limit of 10"));
        assertEquals(ErrorCode.INVALID_INPUT, violation("[".repeat(20) + "]".repeat(20)).code());
    }

    @Test
    void aMappingFailureNamesTheFieldNotTheJavaType() {
        record Window(Instant from) {
        }
        JsonProcessingException e = assertThrows(JsonProcessingException.class,
                () -> EventJson.MAPPER.readValue("{\"from\":[1]}", Window.class));
        ApiException answer = ApiErrors.describe(e);
        assertEquals("from: value has the wrong type or form", answer.getMessage());
    }

    @Test
    void aParseFailureKeepsJacksonsReasonButNotItsSourceDescription() {
        JsonProcessingException e = assertThrows(JsonProcessingException.class, () -> EventJson.MAPPER.readTree("{\"a\": [1, 2"));
        String message = ApiErrors.describe(e).getMessage();
        assertTrue(message.startsWith("malformed JSON: "), message);
        assertFalse(message.contains("Source"), message);
        assertFalse(message.contains("StreamReadFeature"), message);
    }
}
