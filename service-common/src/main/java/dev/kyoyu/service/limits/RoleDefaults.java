package dev.kyoyu.service.limits;

import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.service.config.EnvReader;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * A default per role, as the setting would be written (a rate such as {@code 500/s}, a count, or {@code 0} for none):
 * what the config classes hand to {@link RateLimits#read}, the one place each default is written.
 */
public record RoleDefaults(String agent, String admin, String reader) {
    public String of(Role role) {
        return switch (role) {
            case AGENT -> agent;
            case ADMIN -> admin;
            case READER -> reader;
        };
    }

    /** A count per role (e.g. open subscriptions): {@code base} for role agent, {@code base_ADMIN}, {@code base_READER}. */
    public Map<Role, Integer> readIntegers(EnvReader r, String base, int min, int max) {
        Map<Role, Integer> values = new EnumMap<>(Role.class);
        for (Role role : Role.values()) {
            values.put(role, r.integer(Limit.settingFor(base, role), Integer.parseInt(of(role)), min, max));
        }
        return Collections.unmodifiableMap(values);
    }
}
