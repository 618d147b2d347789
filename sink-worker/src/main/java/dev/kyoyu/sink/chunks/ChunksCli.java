package dev.kyoyu.sink.chunks;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;

/**
 * {@code ./kyoyu chunks list | compress --older-than D | drop --older-than D [--yes]}. Exit status: 0 done, 1 failed
 * or declined at the prompt, 2 a usage error or a destructive step without a terminal and without {@code --yes},
 * 3 compression asked of the Apache edition.
 */
final class ChunksCli {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int NOT_AVAILABLE = 3;

    private final DataSource database;
    private final Confirmation confirmation;
    private final PrintStream out;
    private final PrintStream err;

    ChunksCli(DataSource database, Confirmation confirmation, PrintStream out, PrintStream err) {
        this.database = database;
        this.confirmation = confirmation;
        this.out = out;
        this.err = err;
    }

    int run(ChunkCommand command) {
        try (Connection connection = database.getConnection()) {
            return switch (command.action()) {
                case LIST -> list(connection);
                case COMPRESS -> compress(connection, command.olderThan());
                case DROP -> drop(connection, command.olderThan(), command.yes());
            };
        } catch (SQLException e) {
            err.println("chunks " + command.action().name().toLowerCase() + " failed: " + e.getMessage());
            return FAILED;
        }
    }

    private int list(Connection connection) throws SQLException {
        List<Chunk> chunks = Chunks.list(connection);
        out.printf("%-14s %-44s %-25s %-25s %12s  %s%n", "hypertable", "chunk", "range start", "range end", "size", "compressed");
        long total = 0;
        int compressed = 0;
        for (Chunk c : chunks) {
            out.printf("%-14s %-44s %-25s %-25s %12s  %s%n", c.hypertable(), c.name(), c.rangeStart(), c.rangeEnd(),
                    size(c.totalBytes()), c.compressed() ? "yes" : "no");
            total += Math.max(0, c.totalBytes());
            compressed += c.compressed() ? 1 : 0;
        }
        out.printf("%d chunks (%d compressed), %s; TimescaleDB edition: %s%n", chunks.size(), compressed, size(total),
                TimescaleEdition.of(connection).label());
        return OK;
    }

    private int compress(Connection connection, Duration age) throws SQLException {
        if (!TimescaleEdition.of(connection).hasCompressionAndPolicies()) {
            err.println(TimescaleEdition.NO_COMPRESSION);
            return NOT_AVAILABLE;
        }
        // Compression keeps every row (decompress_chunk undoes it), so it needs no confirmation.
        List<String> done = Chunks.compress(connection, age);
        done.forEach(chunk -> out.println("compressed " + chunk));
        out.printf("compressed %d chunks older than %s%n", done.size(), age(age));
        return OK;
    }

    private int drop(Connection connection, Duration age, boolean yes) throws SQLException {
        List<String> doomed = Chunks.olderThan(connection, age);
        if (doomed.isEmpty()) {
            out.printf("no chunk ended more than %s ago; nothing dropped%n", age(age));
            return OK;
        }
        if (!yes) {
            String question = "drop " + doomed.size() + " chunks older than " + age(age) + " (" + String.join(", ", doomed)
                    + ") and every row in them?";
            var answer = confirmation.ask(question);
            if (answer.isEmpty()) {
                err.println("drop deletes rows for good: confirm on a terminal, or pass --yes (" + doomed.size()
                        + " chunks older than " + age(age) + " would go); nothing dropped");
                return USAGE;
            }
            if (!answer.get()) {
                err.println("nothing dropped");
                return FAILED;
            }
        }
        List<String> dropped = Chunks.drop(connection, age);
        dropped.forEach(chunk -> out.println("dropped " + chunk));
        out.printf("dropped %d chunks older than %s%n", dropped.size(), age(age));
        return OK;
    }

    static String age(Duration age) {
        long s = age.toSeconds();
        if (s % 86_400 == 0) {
            return s / 86_400 + "d";
        }
        if (s % 3600 == 0) {
            return s / 3600 + "h";
        }
        return s % 60 == 0 ? s / 60 + "m" : s + "s";
    }

    private static String size(long bytes) {
        if (bytes < 0) {
            return "?";
        }
        String[] units = {"B", "kB", "MB", "GB", "TB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? bytes + " B" : String.format("%.1f %s", value, units[unit]);
    }
}
