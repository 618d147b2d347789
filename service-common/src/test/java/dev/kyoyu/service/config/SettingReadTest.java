package dev.kyoyu.service.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kyoyu.service.config.SettingRead.Kind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingReadTest {
    private enum Mode { FAST, SAFE }

    @Test
    void recordsEachReadWithItsKindDefaultAndBoundsNotTheValueSet() {
        EnvReader reader = new EnvReader(Map.of("A_PORT", "9000", "A_KEY", "0123456789abcdef0123456789abcdef"));
        List<SettingRead> reads = SettingRead.recordDuring(() -> {
            reader.port("A_PORT", 8080);
            reader.integer("A_SIZE", 16, 1, 256);
            reader.duration("A_WAIT", Duration.ofMillis(100));
            reader.required("A_URL", "http://x");
            reader.requiredSecret("A_KEY");
            reader.choice("A_MODE", Mode.class, Mode.SAFE);
            reader.string("A_NAME", null);
        });
        assertEquals(List.of(
                new SettingRead("A_PORT", Kind.PORT, "8080", "0..65535"),
                new SettingRead("A_SIZE", Kind.INTEGER, "16", "1..256"),
                new SettingRead("A_WAIT", Kind.DURATION, "PT0.1S", null),
                new SettingRead("A_URL", Kind.REQUIRED, null, "e.g. http://x"),
                new SettingRead("A_KEY", Kind.SECRET, null, "at least 32 characters"),
                new SettingRead("A_MODE", Kind.CHOICE, "safe", "fast|safe"),
                new SettingRead("A_NAME", Kind.TEXT, null, null)), reads);
    }

    @Test
    void readsOutsideARecordingAreNotKept() {
        new EnvReader(Map.of()).string("B_OUTSIDE", "x");
        List<SettingRead> reads = SettingRead.recordDuring(() -> new EnvReader(Map.of()).bool("B_INSIDE", true));
        assertEquals(List.of(new SettingRead("B_INSIDE", Kind.BOOLEAN, "true", "true|false")), reads);
    }
}
