package dev.kyoyu.bench.query;

import dev.kyoyu.bench.ingest.RawHttpConnection;
import dev.kyoyu.bench.stack.BenchDatabase;
import dev.kyoyu.query.decisions.SearchTuning;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The two ways one list of queries is run: over HTTP against query-api (requests built up front), and as
 * {@link DirectSql} on a JDBC connection per client (vectors embedded up front).
 */
final class QueryRunner {
    private final List<QuerySpec> specs;
    private final List<byte[]> bodies;
    private final Map<QuerySpec.Type, byte[]> heads = new EnumMap<>(QuerySpec.Type.class);
    private final List<float[]> vectors;
    private final int port;
    private final BenchDatabase db;
    private final SearchTuning tuning;

    /** {@code vectors.get(i)}: the embedding of the i-th vector query's text (unused for the other types). */
    QueryRunner(List<QuerySpec> specs, List<float[]> vectors, int port, String token, BenchDatabase db, SearchTuning tuning) {
        this.specs = specs;
        this.bodies = specs.stream().map(s -> s.body().toString().getBytes(StandardCharsets.UTF_8)).toList();
        for (QuerySpec.Type type : QuerySpec.Type.values()) {
            heads.put(type, RawHttpConnection.head(type.path, token));
        }
        this.vectors = vectors;
        this.port = port;
        this.db = db;
        this.tuning = tuning;
    }

    /** One keep-alive connection per client, the leanest HTTP/1.1 client there is, so the load takes little CPU. */
    QueryLoad.Client http() {
        RawHttpConnection connection = new RawHttpConnection(port, 60_000);
        return new QueryLoad.Client() {
            @Override
            public QueryLoad.Answered run(int index) throws Exception {
                QuerySpec spec = specs.get(index);
                RawHttpConnection.Answer answer = connection.post(heads.get(spec.type()), bodies.get(index));
                if (answer.status() != 200) {
                    throw new QueryLoad.Failed("HTTP " + answer.status());
                }
                return () -> rows(answer.body(), spec.type());
            }

            @Override
            public void close() {
                connection.close();
            }
        };
    }

    /**
     * Rows in an answer, counted without parsing it (a parse would take the bench's CPU from the server it measures):
     * every decision carries one transaction_time, every search hit one similarity_score.
     */
    static int rows(String body, QuerySpec.Type type) {
        String key = type == QuerySpec.Type.VECTOR ? "\"similarity_score\":" : "\"transaction_time\":";
        int rows = 0;
        for (int at = body.indexOf(key); at >= 0; at = body.indexOf(key, at + key.length())) {
            rows++;
        }
        return rows;
    }

    QueryLoad.Client direct() throws Exception {
        Connection connection = db.connect();
        DirectSql sql = new DirectSql(connection, tuning);
        return new QueryLoad.Client() {
            @Override
            public QueryLoad.Answered run(int index) throws Exception {
                QuerySpec spec = specs.get(index);
                int rows = sql.run(spec, spec.type() == QuerySpec.Type.VECTOR ? vectors.get(index) : null);
                return () -> rows;
            }

            @Override
            public void close() throws Exception {
                connection.close();
            }
        };
    }
}
