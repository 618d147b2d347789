package dev.kyoyu.schemas.db;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Bring the database at KYOYU_PG_URL to the current schema. */
public final class MigrateMain {
    private static final Logger LOG = LoggerFactory.getLogger(MigrateMain.class);

    private MigrateMain() {
    }

    public static void main(String[] args) {
        String url = System.getenv("KYOYU_PG_URL");
        if (url == null || url.isBlank()) {
            System.err.println("KYOYU_PG_URL is required, e.g. jdbc:postgresql://127.0.0.1:55432/kyoyu");
            System.exit(2);
        }
        try {
            Migrations.apply(url, System.getenv().getOrDefault("KYOYU_PG_USER", "kyoyu"),
                    System.getenv().getOrDefault("KYOYU_PG_PASSWORD", ""));
            LOG.info("schema is current at {}", url);
        } catch (Exception e) {
            LOG.error("migration failed at {}", url, e);
            System.exit(1);
        }
    }
}
