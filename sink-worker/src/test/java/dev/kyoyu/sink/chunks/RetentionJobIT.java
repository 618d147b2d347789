package dev.kyoyu.sink.chunks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kyoyu.service.db.DatabaseSettings;
import dev.kyoyu.service.config.EnvReader;
import dev.kyoyu.testsupport.Await;
import dev.kyoyu.testsupport.TestDatabase;
import dev.kyoyu.testsupport.TestStack;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** KYOYU_RETENTION on the Apache edition: the sink's own job drops what retention no longer keeps, one worker at a time. */
class RetentionJobIT {
    private TestDatabase db;
    private DatabaseSettings database;

    @BeforeEach
    void setUp() throws Exception {
        db = TestDatabase.create();
        try (Connection c = db.connect()) {
            assumeTrue(TimescaleEdition.of(c) == TimescaleEdition.APACHE, "the community edition runs retention as a policy");
        }
        database = DatabaseSettings.read(new EnvReader(Map.of("KYOYU_PG_URL", db.url(), "KYOYU_PG_USER", TestStack.pgUser(),
                "KYOYU_PG_PASSWORD", TestStack.pgPassword())));
        OldChunks.eventsDaysAgo(db, "retention-agent", 40, 20, 10, 1, 0);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    @DisplayName("with KYOYU_RETENTION=15d the job drops the chunks older than 15 days by itself, and counts them")
    void dropsWhatRetentionNoLongerKeeps() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RetentionSettings settings = new RetentionSettings(Duration.ofDays(15), Duration.ZERO, Duration.ofSeconds(1));
        try (RetentionJob job = RetentionJob.start(settings, database, registry)) {
            Await.until(Duration.ofSeconds(30), "the chunks older than 15 days dropped", () -> OldChunks.chunks(db) == 3);
            assertEquals(0, OldChunks.eventsOlderThanDays(db, 15));
            assertEquals(3, db.queryLong("SELECT count(*) FROM agent_events"), "the newer rows stay");
            assertEquals(2.0, registry.get("kyoyu.retention.chunks.dropped").counter().count());
        }
    }

    @Test
    @DisplayName("while another worker holds the upkeep lock, a worker drops nothing; afterwards it does")
    void oneWorkerAtATime() throws Exception {
        try (RetentionJob job = RetentionJob.start(RetentionSettings.OFF, database, new SimpleMeterRegistry());
             Connection other = db.connect(); Connection mine = db.connect()) {
            other.setAutoCommit(false);
            try (PreparedStatement lock = other.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                lock.setLong(1, RetentionJob.LOCK);
                lock.execute();
            }
            assertEquals(0, job.dropExpired(mine, Duration.ofDays(15)));
            assertEquals(5, OldChunks.chunks(db));
            other.commit(); // the transaction-scoped lock ends with its transaction
            assertEquals(2, job.dropExpired(mine, Duration.ofDays(15)));
            assertEquals(3, OldChunks.chunks(db));
        }
    }
}
