package dev.kyoyu.service.limits;

import dev.kyoyu.schemas.identity.Role;
import java.util.Locale;

/**
 * What is counted against an identity, each in a bucket of its own; set per role by {@code KYOYU_RATE_<NAME>} (role
 * agent), {@code KYOYU_RATE_<NAME>_ADMIN} and {@code KYOYU_RATE_<NAME>_READER}. Searches have their own limit because
 * one costs an embedding and a vector scan, many times a structured query.
 */
public enum Limit {
    INGEST_REQUESTS("requests"),
    INGEST_EVENTS("events"),
    QUERIES("queries"),
    SEARCHES("searches");

    private final String unit;

    Limit(String unit) {
        this.unit = unit;
    }

    /** What one token is, as clients read it in messages: "requests", "events", … */
    public String unit() {
        return unit;
    }

    /** The setting for {@code role}: the agent role's is the plain name, the others carry the role as a suffix. */
    public String setting(Role role) {
        return settingFor("KYOYU_RATE_" + name(), role);
    }

    /** {@code base} for role agent, {@code base_ADMIN} / {@code base_READER} for the others. */
    public static String settingFor(String base, Role role) {
        return role == Role.AGENT ? base : base + "_" + role.name().toUpperCase(Locale.ROOT);
    }
}
