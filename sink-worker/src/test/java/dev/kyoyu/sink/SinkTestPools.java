package dev.kyoyu.sink;

import com.zaxxer.hikari.HikariDataSource;
import dev.kyoyu.testsupport.TestDatabase;
import dev.kyoyu.testsupport.TestStack;
import java.util.Map;

/** The sink's own connection pool, pointed at a test's database: writers are tested with what they run with. */
public final class SinkTestPools {
    private SinkTestPools() {
    }

    public static HikariDataSource pool(TestDatabase db, String name) {
        return SinkApp.pool(SinkConfig.fromEnv(Map.of("KYOYU_KAFKA_BOOTSTRAP", "unused:1", "KYOYU_PG_URL", db.url(),
                "KYOYU_PG_USER", TestStack.pgUser(), "KYOYU_PG_PASSWORD", TestStack.pgPassword())), name, 3);
    }
}
