package dev.kyoyu.service.limits;

/**
 * What is counted against an agent, each in a bucket of its own; set by {@code KYOYU_RATE_<NAME>}.
 * Searches have their own limit because one costs an embedding and a vector scan, many times a structured query.
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

    public String setting() {
        return "KYOYU_RATE_" + name();
    }
}
