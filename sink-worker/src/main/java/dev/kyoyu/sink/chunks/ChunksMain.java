package dev.kyoyu.sink.chunks;

import com.zaxxer.hikari.HikariDataSource;
import dev.kyoyu.service.config.ConfigException;
import dev.kyoyu.service.config.EnvReader;
import dev.kyoyu.service.db.DatabasePools;
import dev.kyoyu.service.db.DatabaseSettings;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** {@code ./kyoyu chunks …}: list, compress and drop the hypertables' chunks (see {@link ChunkCommand#USAGE}). */
public final class ChunksMain {
    private static final Duration COMMAND_CONNECTION_TIMEOUT = Duration.ofSeconds(30);

    private ChunksMain() {
    }

    public static void main(String[] args) {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        List<String> arguments = Arrays.asList(args);
        if (arguments.contains("--help") || arguments.contains("-h")) {
            System.out.println(ChunkCommand.USAGE);
            return;
        }
        ChunkCommand command;
        DatabaseSettings database;
        try {
            command = ChunkCommand.parse(arguments);
            EnvReader env = new EnvReader(System.getenv());
            database = DatabaseSettings.read(env);
            env.finish();
        } catch (IllegalArgumentException | ConfigException e) {
            System.err.println(e.getMessage());
            System.err.println(ChunkCommand.USAGE);
            System.exit(ChunksCli.USAGE);
            return;
        }
        int status;
        // A one-off command has no backoff of its own: it waits for its one connection as long as a person would,
        // not the services' 3 s (a loaded machine missed that, ChunksCliIT).
        try (HikariDataSource pool = DatabasePools.open(database, "kyoyu-chunks", 1,
                hikari -> hikari.setConnectionTimeout(COMMAND_CONNECTION_TIMEOUT.toMillis()))) {
            status = new ChunksCli(pool, Confirmation.terminal(), System.out, System.err).run(command);
        }
        System.exit(status);
    }
}
