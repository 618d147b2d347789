package dev.kyoyu.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OptionsTest {
    @Test
    void readsBothSpellingsAndCountSuffixes() {
        Options o = new Options(List.of("--events=10m", "--clients", "64", "--keep", "--phase-seconds=2m"));
        assertEquals(10_000_000, o.number("events", 1, 1, Long.MAX_VALUE));
        assertEquals(64, o.integer("clients", 1, 1, 1000));
        assertTrue(o.flag("keep"));
        assertEquals(Duration.ofMinutes(2), o.seconds("phase-seconds", Duration.ZERO));
        o.finish();
    }

    @Test
    void reportsEveryProblemAtOnceIncludingUnknownOptions() {
        Options o = new Options(List.of("--events=many", "--runs=raw,w9", "--typo=1"));
        o.number("events", 1, 1, 10);
        o.list("runs", List.of(), Set.of("raw", "w1"));
        Options.UsageException e = assertThrows(Options.UsageException.class, o::finish);
        assertTrue(e.getMessage().contains("--events=many is not a whole number"), e.getMessage());
        assertTrue(e.getMessage().contains("unknown item 'w9'"), e.getMessage());
        assertTrue(e.getMessage().contains("unknown option --typo"), e.getMessage());
    }

    @Test
    void splitsJvmFlags() {
        assertEquals(List.of("-Xlog:gc", "-XX:+UseSerialGC"), Options.words("  -Xlog:gc   -XX:+UseSerialGC "));
        assertEquals(List.of(), Options.words(""));
    }
}
