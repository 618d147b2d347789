package dev.kyoyu.query;

import dev.kyoyu.service.auth.Secret;
import dev.kyoyu.service.config.EnvReader;
import java.util.Map;

/**
 * The query API's settings, read once and validated together.
 *
 * @param maxEventsPerPage the most events {@code GET /v1/runs/{id}} returns in one answer
 */
public record QueryConfig(
        String host,
        int port,
        String pgUrl,
        String pgUser,
        String pgPassword,
        int poolSize,
        Secret jwtSecret,
        int maxEventsPerPage) {

    public static QueryConfig fromEnv(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        QueryConfig config = new QueryConfig(
                r.string("KYOYU_QUERY_HOST", "127.0.0.1"),
                r.port("KYOYU_QUERY_PORT", 8081),
                r.required("KYOYU_PG_URL", "jdbc:postgresql://127.0.0.1:55432/kyoyu"),
                r.string("KYOYU_PG_USER", "kyoyu"),
                r.string("KYOYU_PG_PASSWORD", ""),
                r.integer("KYOYU_QUERY_POOL_SIZE", 8, 1, 200),
                r.requiredSecret("KYOYU_JWT_SECRET"),
                r.integer("KYOYU_QUERY_MAX_EVENTS_PER_PAGE", 10_000, 1, 1_000_000));
        r.finish();
        return config;
    }
}
