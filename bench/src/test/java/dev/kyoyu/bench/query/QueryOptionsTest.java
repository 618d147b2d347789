package dev.kyoyu.bench.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.bench.Options;
import dev.kyoyu.query.decisions.SearchTuning;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueryOptionsTest {
    private static final Path REPO = Path.of("/repo");

    @Test
    void defaultsAreTheIssuesScale() {
        QueryOptions o = QueryOptions.parse(List.of(), REPO);
        assertEquals(2_000_000, o.events());
        assertEquals(100_000, o.decisions());
        assertEquals(5000, o.ingestRate());
        assertEquals(100, o.ingestBatch());
        assertEquals(2000, o.queries());
        assertEquals(4, o.clients());
        assertEquals(200, o.recallQueries());
        assertEquals(400, o.efSearch());
        assertEquals(List.of("idle", "ingesting"), o.phases());
        assertTrue(o.building());
        assertNull(o.reuse());
        assertEquals(REPO.resolve("docs/benchmarks"), o.outDir());
    }

    @Test
    void readsASmallRun() {
        QueryOptions o = QueryOptions.parse(List.of("--events=50k", "--decisions=5k", "--queries", "300", "--phases=ingesting",
                "--ef-search=64", "--keep"), REPO);
        assertEquals(50_000, o.events());
        assertEquals(5_000, o.decisions());
        assertEquals(300, o.queries());
        assertEquals(List.of("ingesting"), o.phases());
        assertEquals(64, o.efSearch());
        assertTrue(o.keep());
    }

    @Test
    void startsTheWholeStackWithTheSearchNicenessAndJvmFlagsAsked() {
        QueryStack.Settings s = QueryOptions.parse(List.of("--ef-search=64", "--exact-max-rows=500", "--embedder-nice=0",
                "--service-jvm-args=-Xlog:gc", "--keep"), REPO).stackSettings();
        assertEquals(QueryStack.SERVICES, s.services());
        assertTrue(s.pgUrl().isEmpty(), "the services should use the bench database's own URL");
        assertEquals(new SearchTuning(64, 500), s.search());
        assertEquals(0, s.embedderNice());
        assertEquals(List.of("-Xlog:gc"), s.serviceJvmArgs());
        assertTrue(s.keep());
    }

    @Test
    void stackSettingsRefuseAServiceTheStackDoesNotKnow() {
        QueryStack.Settings defaults = QueryStack.Settings.defaults();
        assertEquals(List.of("ingest-api", "sink-worker"), defaults.withServices(List.of("ingest-api", "sink-worker")).services());
        assertThrows(IllegalArgumentException.class, () -> defaults.withServices(List.of("ingest-api", "sink")));
        assertThrows(IllegalArgumentException.class, () -> defaults.withServices(List.of()));
    }

    @Test
    void reuseMeasuresAnExistingDatabaseAndRefusesDatasetOptions() {
        QueryOptions o = QueryOptions.parse(List.of("--reuse=kyoyu_bench_query_1122_ab12"), REPO);
        assertFalse(o.building());
        assertEquals("kyoyu_bench_query_1122_ab12", o.reuse());
        Options.UsageException e = assertThrows(Options.UsageException.class,
                () -> QueryOptions.parse(List.of("--reuse=kyoyu_bench_query_1", "--decisions=5k"), REPO));
        assertTrue(e.getMessage().contains("--reuse measures an existing one"), e.getMessage());
    }

    @Test
    void refusesADatabaseNameThatIsNotAnIdentifier() {
        Options.UsageException e = assertThrows(Options.UsageException.class,
                () -> QueryOptions.parse(List.of("--reuse=x; DROP DATABASE kyoyu"), REPO));
        assertTrue(e.getMessage().contains("is not a database name"), e.getMessage());
    }

    @Test
    void refusesFewerEventsThanTheDecisionsBring() {
        Options.UsageException e = assertThrows(Options.UsageException.class,
                () -> QueryOptions.parse(List.of("--events=10k", "--decisions=5k"), REPO));
        assertTrue(e.getMessage().contains("fewer than the 15000 events"), e.getMessage());
    }

    @Test
    void reportsEveryProblemAtOnce() {
        Options.UsageException e = assertThrows(Options.UsageException.class,
                () -> QueryOptions.parse(List.of("--phases=idle,busy", "--clients=0", "--typo"), REPO));
        assertTrue(e.getMessage().contains("unknown item 'busy'"), e.getMessage());
        assertTrue(e.getMessage().contains("--clients=0 is outside"), e.getMessage());
        assertTrue(e.getMessage().contains("unknown option --typo"), e.getMessage());
    }
}
