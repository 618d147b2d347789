package dev.kyoyu.bench.query;

import dev.kyoyu.bench.Options;
import dev.kyoyu.query.decisions.SearchTuning;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * @param events          events in the dataset, all posted through ingest-api (the decisions' own events count too)
 * @param decisions       decisions posted with POST /v1/trace (revisions come on top)
 * @param revisePercent   share of those decisions revised later with a DecisionRevised event, so as-of queries see history
 * @param agents          agents the decisions are spread over (eight roles, each owning a few decision types)
 * @param days            decisions take effect (valid_from) over this many days before the build
 * @param reuse           name of a database built by an earlier run (with --keep): skip the build, measure on it
 * @param queries         measured queries per query type, per phase and per path (query-api over HTTP, direct JDBC)
 * @param clients         concurrent query clients
 * @param phases          idle, and/or ingesting (a paced generator posting events through ingest-api meanwhile)
 * @param ingestRate      events per second the generator holds during the ingesting phase
 * @param ingestBatch     events per request of that generator
 * @param ingestTraces    decisions per second (POST /v1/trace, 3 events each) the generator posts besides
 * @param recallQueries   query texts whose HNSW top 10 is compared with the exact top 10
 * @param efSearch        KYOYU_SEARCH_EF_SEARCH given to the child query-api, and hnsw.ef_search of the direct baseline
 * @param embedderNice    the embedder's niceness, as {@code ./kyoyu} starts it (KYOYU_EMBEDDER_NICE): a backlog worker
 *                        yields the CPU to the APIs
 * @param exactMaxRows    KYOYU_SEARCH_EXACT_MAX_ROWS given to the child query-api, and the direct baseline's same cutoff
 * @param serviceJvmArgs  extra JVM flags for query-api and the embedder, for diagnosis
 */
public record QueryOptions(long events, int decisions, int revisePercent, int agents, int days, String reuse,
                           int queries, int clients, List<String> phases, int ingestRate, int ingestBatch, int ingestTraces,
                           int recallQueries, int efSearch, int exactMaxRows, int embedderNice, long seed, List<String> serviceJvmArgs, Path outDir,
                           boolean keep) {

    static final String IDLE = "idle";
    static final String INGESTING = "ingesting";

    static final String USAGE = """
            BenchMain query [options]    structured, temporal and vector queries over HTTP on a large dataset, idle and
                                         while ingesting; baseline: the same SQL over JDBC; recall@10 against exact search
              --events=2m            events in the dataset, posted through ingest-api (at least 3 per decision)
              --decisions=100k       decisions posted with POST /v1/trace, spread over agents and --days
              --revise-percent=5     share of decisions revised later (DecisionRevised), for as-of history
              --agents=200           agents (eight roles, each owning some of the fifteen decision types)
              --days=90              valid_from spread over this many days before the build
              --reuse=DATABASE       measure on a dataset an earlier run kept (--keep) instead of building one
              --queries=2000         measured queries per type, phase and path (query-api, direct JDBC)
              --clients=4            concurrent query clients
              --phases=idle,ingesting
              --ingest-rate=5000     events/s posted through ingest-api during the ingesting phase
              --ingest-batch=100     events per request of that load (so 50 requests/s at the defaults)
              --ingest-traces=10     decisions/s posted with /v1/trace meanwhile (0: none)
              --recall-queries=200   query texts for recall@10 (HNSW vs exact)
              --ef-search=400        KYOYU_SEARCH_EF_SEARCH for query-api (400 is its default) and the direct SQL
              --exact-max-rows=20000 KYOYU_SEARCH_EXACT_MAX_ROWS for query-api (its default) and the direct SQL
              --embedder-nice=10     the embedder's niceness, as ./kyoyu starts it (KYOYU_EMBEDDER_NICE); 0: none
              --seed=42              seed of the dataset and of the queries
              --service-jvm-args="…" extra JVM flags for query-api and the embedder, after -Xmx (diagnosis)
              --out=DIR              where the .md and .png go (default docs/benchmarks of the checkout)
              --keep                 keep the bench topics and database (then re-run with --reuse=<database>)""";

    static QueryOptions parse(List<String> args, Path repo) {
        Options o = new Options(args);
        String reuse = o.string("reuse", null);
        long events = o.number("events", 2_000_000, 1_000, 1_000_000_000);
        int decisions = o.integer("decisions", 100_000, 100, 10_000_000);
        QueryOptions options = new QueryOptions(
                events,
                decisions,
                o.integer("revise-percent", 5, 0, 50),
                o.integer("agents", 200, 8, 100_000),
                o.integer("days", 90, 1, 3650),
                reuse,
                o.integer("queries", 2000, 10, 1_000_000),
                o.integer("clients", 4, 1, 256),
                o.list("phases", List.of(IDLE, INGESTING), Set.of(IDLE, INGESTING)),
                o.integer("ingest-rate", 5000, 100, 1_000_000),
                o.integer("ingest-batch", 100, 1, 5000),
                o.integer("ingest-traces", 10, 0, 1000),
                o.integer("recall-queries", 200, 0, 100_000),
                o.integer("ef-search", SearchTuning.DEFAULT_EF_SEARCH, 1, 1000),
                o.integer("exact-max-rows", SearchTuning.DEFAULT_EXACT_MAX_ROWS, 0, 10_000_000),
                o.integer("embedder-nice", 10, 0, 19),
                o.number("seed", 42, Long.MIN_VALUE, Long.MAX_VALUE),
                Options.words(o.string("service-jvm-args", "")),
                Path.of(o.string("out", repo.resolve("docs").resolve("benchmarks").toString())),
                o.flag("keep"));
        if (reuse != null && !reuse.matches("[a-z_][a-z0-9_]{0,62}")) {
            o.problem("--reuse=" + reuse + " is not a database name (lower case letters, digits, _)");
        }
        if (reuse != null && (args.stream().anyMatch(a -> a.matches("--(events|decisions|revise-percent|agents|days)(=.*)?")))) {
            o.problem("--events, --decisions, --revise-percent, --agents and --days describe a dataset to build; --reuse measures an existing one");
        }
        if (reuse == null && events < 3L * decisions) {
            o.problem("--events=" + events + " is fewer than the " + 3L * decisions + " events the decisions themselves bring "
                    + "(each /v1/trace records a run start, the decision and the run's end)");
        }
        o.finish();
        return options;
    }

    /** How query-api searches, and so the direct baseline too. */
    SearchTuning searchTuning() {
        return new SearchTuning(efSearch, exactMaxRows);
    }

    /** The whole stack, searching and niced as these options say. */
    QueryStack.Settings stackSettings() {
        return new QueryStack.Settings(QueryStack.SERVICES, Optional.empty(), keep, searchTuning(), embedderNice, serviceJvmArgs);
    }

    boolean building() {
        return reuse == null;
    }
}
