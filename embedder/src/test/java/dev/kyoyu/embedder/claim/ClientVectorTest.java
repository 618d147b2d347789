package dev.kyoyu.embedder.claim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import org.junit.jupiter.api.Test;

class ClientVectorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ArrayNode filled(double value) {
        ArrayNode array = JSON.createArrayNode();
        for (int i = 0; i < 384; i++) {
            array.add(value);
        }
        return array;
    }

    @Test
    void takes384NumbersAtTheHalfPrecisionTheyAreStoredIn() {
        ArrayNode array = filled(0.25);
        array.set(1, 0.1);
        ClientVector.Parsed parsed = ClientVector.parse(array);
        assertNull(parsed.problem());
        assertEquals(0.25f, parsed.vector()[0]);
        assertEquals(Float.float16ToFloat(Float.floatToFloat16(0.1f)), parsed.vector()[1]);
    }

    @Test
    void refusesAComponentAHalfPrecisionNumberCannotHold() {
        ArrayNode array = filled(0.5);
        array.set(7, 70000);
        ClientVector.Parsed parsed = ClientVector.parse(array);
        assertNull(parsed.vector());
        assertEquals("metadata.embedding[7] is 70000, outside what a half-precision vector holds (±65504.0)", parsed.problem());
        assertEquals(65504f, ClientVector.parse(filled(65504)).vector()[0], "the largest half-precision number is taken");
    }

    @Test
    void refusesAVectorThatIsZeroAtHalfPrecision() {
        assertEquals("metadata.embedding is all zeros at half precision", ClientVector.parse(filled(1e-9)).problem());
        assertEquals("metadata.embedding is all zeros at half precision", ClientVector.parse(filled(0)).problem());
    }

    @Test
    void namesWhatIsWrongWithTheShape() {
        assertEquals("metadata.embedding must be an array of 384 numbers; it has 3",
                ClientVector.parse(JSON.createArrayNode().add(1).add(2).add(3)).problem());
        ArrayNode array = filled(0.5);
        array.set(2, "x");
        assertEquals("metadata.embedding[2] is not a number", ClientVector.parse(array).problem());
    }
}
