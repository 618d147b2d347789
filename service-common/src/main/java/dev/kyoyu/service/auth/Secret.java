package dev.kyoyu.service.auth;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** A secret value that never prints: logs, config dumps and exceptions show [REDACTED]. */
public final class Secret {
    private final String value;

    public Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    public byte[] bytes() {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "[REDACTED]";
    }
}
