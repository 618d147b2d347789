package dev.kyoyu.schemas.identity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kyoyu.schemas.event.EventJson;
import java.io.IOException;

/** Identity records on the wire: the contract's JSON mapping (snake_case, ISO-8601), tagged by {@code type}. */
public final class IdentityJson {
    private static final ObjectMapper MAPPER = EventJson.MAPPER;

    private IdentityJson() {
    }

    public static byte[] toBytes(IdentityRecord record) {
        try {
            return MAPPER.writerFor(IdentityRecord.class).writeValueAsBytes(record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an IdentityRecord always serializes", e);
        }
    }

    public static IdentityRecord fromBytes(byte[] json) throws IOException {
        return MAPPER.readValue(json, IdentityRecord.class);
    }
}
