package dev.kyoyu.sink.chunks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.kyoyu.sink.SinkTestPools;
import dev.kyoyu.testsupport.TestDatabase;
import dev.kyoyu.testsupport.TestStack;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@code ./kyoyu chunks} against the real PostgreSQL and TimescaleDB, on chunks made by rows with old timestamps. */
class ChunksCliIT {
    /** Events 40, 20, 10 and 1 days ago and now: five chunks, two of them older than 15 days. */
    private static final int[] DAYS_AGO = {40, 20, 10, 1, 0};

    private TestDatabase db;
    private HikariDataSource pool;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() throws Exception {
        db = TestDatabase.create();
        pool = SinkTestPools.pool(db, "chunks-cli-it");
        OldChunks.eventsDaysAgo(db, "chunks-agent", DAYS_AGO);
        assertEquals(5, OldChunks.chunks(db));
    }

    @AfterEach
    void tearDown() {
        pool.close();
        db.close();
    }

    private int run(Confirmation confirmation, String... args) {
        return new ChunksCli(pool, confirmation, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(ChunkCommand.parse(List.of(args)));
    }

    private static Confirmation noTerminal() {
        return question -> Optional.empty();
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("list prints every chunk with its hypertable, range, size and compression, and the edition")
    void listsEveryChunk() {
        assertEquals(0, run(noTerminal(), "list"), err());
        List<String> rows = out().lines().filter(line -> line.startsWith("agent_events ")).toList();
        assertEquals(5, rows.size(), out());
        assertTrue(rows.getFirst().contains("_hyper_") && rows.getFirst().endsWith("no"), rows.getFirst());
        assertTrue(rows.getFirst().matches(".*\\d{4}-\\d\\d-\\d\\dT00:00:00Z\\s+\\d{4}-\\d\\d-\\d\\dT00:00:00Z.*"), rows.getFirst());
        assertTrue(rows.getFirst().matches(".*\\d+(\\.\\d)? (B|kB|MB)\\s+no$"), "a size: " + rows.getFirst());
        assertTrue(out().contains("5 chunks (0 compressed)"), out());
        assertTrue(out().contains("TimescaleDB edition:"), out());
    }

    @Test
    @DisplayName("drop --older-than 15d --yes drops the two old chunks and their rows, and nothing newer")
    void dropsOldChunksWithYes() {
        assertEquals(0, run(noTerminal(), "drop", "--older-than", "15d", "--yes"), err());
        assertEquals(3, OldChunks.chunks(db));
        assertEquals(0, OldChunks.eventsOlderThanDays(db, 15));
        assertEquals(3, db.queryLong("SELECT count(*) FROM agent_events"));
        assertTrue(out().contains("dropped 2 chunks older than 15d"), out());
    }

    @Test
    @DisplayName("drop without --yes and without a terminal refuses, names --yes, and drops nothing")
    void refusesWithoutTerminalOrYes() {
        assertEquals(2, run(noTerminal(), "drop", "--older-than", "15d"));
        assertTrue(err().contains("--yes") && err().contains("nothing dropped"), err());
        assertEquals(5, OldChunks.chunks(db));
    }

    @Test
    @DisplayName("on a terminal drop asks first: a no drops nothing, a yes drops")
    void asksOnATerminal() {
        String[] asked = new String[1];
        assertEquals(1, run(question -> {
            asked[0] = question;
            return Optional.of(false);
        }, "drop", "--older-than", "15d"));
        assertTrue(asked[0].startsWith("drop 2 chunks older than 15d"), asked[0]);
        assertEquals(5, OldChunks.chunks(db));
        assertEquals(0, run(question -> Optional.of(true), "drop", "--older-than", "15d"));
        assertEquals(3, OldChunks.chunks(db));
    }

    @Test
    @DisplayName("compress on the Apache edition says compression needs the community edition and exits 3")
    void compressOnApacheExplainsTheEdition() throws Exception {
        try (Connection c = db.connect()) {
            assumeTrue(TimescaleEdition.of(c) == TimescaleEdition.APACHE, "this database runs the community edition");
        }
        assertEquals(3, run(noTerminal(), "compress", "--older-than", "7d"));
        assertTrue(err().contains("community edition") && err().contains("timescaledb.license"), err());
        assertEquals(0, db.queryLong("SELECT count(*) FROM timescaledb_information.chunks WHERE is_compressed"));
    }

    @Test
    @DisplayName("the real command in a process without a terminal refuses drop without --yes")
    void theProcessRefusesWithoutATerminal() throws Exception {
        Path stderr = Files.createTempFile("chunks-drop", ".err");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ChunksMain.class.getName(), "drop", "--older-than", "15d")
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(stderr.toFile());
        builder.environment().put("KYOYU_PG_URL", db.url());
        builder.environment().put("KYOYU_PG_USER", TestStack.pgUser());
        builder.environment().put("KYOYU_PG_PASSWORD", TestStack.pgPassword());
        Process process = builder.start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the command finished");
        String text = Files.readString(stderr);
        Files.delete(stderr);
        assertEquals(2, process.exitValue(), text);
        assertTrue(text.contains("--yes"), text);
        assertEquals(5, OldChunks.chunks(db));
    }
}
