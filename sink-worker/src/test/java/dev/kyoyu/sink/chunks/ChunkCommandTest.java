package dev.kyoyu.sink.chunks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkCommandTest {
    @Test
    void readsAgesInDaysHoursMinutesAndSeconds() {
        assertEquals(Duration.ofDays(30), ChunkCommand.parse(List.of("drop", "--older-than", "30d")).olderThan());
        assertEquals(Duration.ofHours(12), ChunkCommand.parse(List.of("compress", "--older-than=12h")).olderThan());
        assertEquals(Duration.ofMinutes(90), ChunkCommand.parse(List.of("drop", "--older-than", "90m", "--yes")).olderThan());
        assertEquals("30d", ChunksCli.age(Duration.ofDays(30)));
        assertEquals("90m", ChunksCli.age(Duration.ofMinutes(90)));
    }

    @Test
    void yesIsOnlyWhatTheCommandLineSays() {
        assertTrue(ChunkCommand.parse(List.of("drop", "--older-than", "1d", "--yes")).yes());
        assertFalse(ChunkCommand.parse(List.of("drop", "--older-than", "1d")).yes());
    }

    @Test
    void refusesWhatItCannotReadWithAMessageNamingIt() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ChunkCommand.parse(List.of("drop")))
                .getMessage().contains("--older-than"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ChunkCommand.parse(List.of("drop", "--older-than", "3 weeks")))
                .getMessage().contains("3 weeks"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ChunkCommand.parse(List.of("drop", "--older-than", "0d")))
                .getMessage().contains("more than 0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ChunkCommand.parse(List.of("shrink")))
                .getMessage().contains("shrink"));
        assertThrows(IllegalArgumentException.class, () -> ChunkCommand.parse(List.of("list", "--yes")));
        assertThrows(IllegalArgumentException.class, () -> ChunkCommand.parse(List.of()));
    }
}
