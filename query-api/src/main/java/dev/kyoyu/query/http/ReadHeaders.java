package dev.kyoyu.query.http;

import dev.kyoyu.query.db.Consistency;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Locale;

/**
 * The headers of replica reads. A request may send {@code X-Kyoyu-Consistency: strong} (read on the primary) or
 * {@code bounded} (the default: a replica at most KYOYU_QUERY_REPLICA_MAX_LAG behind, else the primary); every
 * answer says in {@code X-Kyoyu-Read-From} which pool it came from.
 */
final class ReadHeaders {
    static final String CONSISTENCY_NAME = "X-Kyoyu-Consistency";
    static final HeaderName CONSISTENCY = HeaderNames.create(CONSISTENCY_NAME);
    static final HeaderName READ_FROM = HeaderNames.create("X-Kyoyu-Read-From");

    private ReadHeaders() {
    }

    /** An unknown value is a 400: a misspelt "strong" must not silently become a possibly stale read. */
    static Consistency consistency(ServerRequest req) {
        String raw = req.headers().first(CONSISTENCY).orElse(null);
        if (raw == null) {
            return Consistency.BOUNDED;
        }
        return switch (raw.strip().toLowerCase(Locale.ROOT)) {
            case "bounded" -> Consistency.BOUNDED;
            case "strong" -> Consistency.STRONG;
            default -> throw Fields.invalid(CONSISTENCY_NAME, "header " + CONSISTENCY_NAME + ": '" + raw
                    + "' is not one of [bounded, strong]");
        };
    }

    static void readFrom(ServerResponse res, String pool) {
        res.header(READ_FROM, pool);
    }
}
