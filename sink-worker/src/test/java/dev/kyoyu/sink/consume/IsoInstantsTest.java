package dev.kyoyu.sink.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IsoInstantsTest {
    @Test
    void readsEveryInstantAsInstantParseDoes() {
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 100_000; i++) {
            long second = random.nextLong(Instant.parse("1900-01-01T00:00:00Z").getEpochSecond(),
                    Instant.parse("9999-01-01T00:00:00Z").getEpochSecond());
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            String text = Instant.ofEpochSecond(second, nanos).toString();
            assertEquals(Instant.parse(text), IsoInstants.parse(text), text);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-22T18:54:39.5Z", "2026-11-22T18:54:39.12Z", "2026-11-22T18:54:39.1234Z",
            "2024-02-29T00:00:00Z", "2026-11-22T23:59:60Z", "2026-11-22T18:54:39+02:00", "+12026-11-22T18:54:39Z",
            "2026-11-22T18:54:39.000000000Z", "2026-11-22T24:00:00Z", "2026-11-22T18:54:39.Z"})
    void unusualButValidShapesAgreeWithInstantParse(String text) {
        assertEquals(Instant.parse(text), IsoInstants.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-22T18:61:00Z",
            "2026-11-22T18:54:39.1234567890Z", "2026-11-22 18:54:39Z", "2026-11-22T18:54:3xZ",
            "2026-11-22T18:54:39", "2026-11-22T18:54:39.12a4Z", "yesterday"})
    void rejectsWhatInstantParseRejects(String text) {
        assertThrows(DateTimeException.class, () -> Instant.parse(text));
        assertThrows(DateTimeException.class, () -> IsoInstants.parse(text));
    }
}
