package dev.kyoyu.schemas.identity;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What an identity may do. {@code admin}: everything; {@code agent}: writes its own runs, reads its own data and
 * what it was granted; {@code reader}: reads only what it was granted, writes nothing.
 */
public enum Role {
    ADMIN, AGENT, READER;

    /** The name on the wire, in tokens, settings and the identity topic. */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    static Role fromWire(String name) {
        return parse(name).orElseThrow(() -> new IllegalArgumentException("role must be one of " + choices()));
    }

    public static Optional<Role> parse(String name) {
        return Arrays.stream(values()).filter(r -> r.wireName().equals(name)).findFirst();
    }

    public static String choices() {
        return Arrays.stream(values()).map(Role::wireName).collect(Collectors.joining(", "));
    }

    public boolean canWrite() {
        return this != READER;
    }
}
