package dev.kyoyu.bench.sink;

import dev.kyoyu.bench.report.Progress;
import dev.kyoyu.bench.stack.BenchDatabase;
import dev.kyoyu.bench.stack.CpuMeter;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import org.postgresql.PGConnection;

/** The physical limit: one session COPYs the whole file into a fresh agent_events with all its indexes. */
public final class RawCopy {
    public record Result(long rows, double seconds, Map<String, Double> cores) {
        public double rowsPerSecond() {
            return rows / seconds;
        }
    }

    private RawCopy() {
    }

    /** A binary COPY file (what sink-worker writes) into {@code database}'s agent_events, timed like the sink bench's. */
    public static Result copyBinary(BenchDatabase database, Path file, CpuMeter cpu) throws SQLException, IOException {
        return copy(database, CopyFormat.BINARY, file, cpu);
    }

    /** The CPU window closes before the session does, so the backend's CPU is still there to be read. */
    static Result copy(BenchDatabase database, CopyFormat format, Path file, CpuMeter cpu) throws SQLException, IOException {
        try (Connection connection = database.connect();
             ProgressBar bar = Progress.bar("raw COPY, " + format.label, Files.size(file) >> 20, "MB");
             InputStream in = new BytesRead(new BufferedInputStream(Files.newInputStream(file), 1 << 20), bar)) {
            CpuMeter.Window window = cpu.start();
            long started = System.nanoTime();
            long rows = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(format.statement(), in, 1 << 16);
            double seconds = (System.nanoTime() - started) / 1e9;
            Map<String, Double> cores = window.stop();
            return new Result(rows, seconds, cores);
        }
    }

    /** Shows the megabytes streamed so far: a binary file has no line ends to count rows by. */
    private static final class BytesRead extends FilterInputStream {
        private final ProgressBar bar;
        private long bytes;

        BytesRead(InputStream in, ProgressBar bar) {
            super(in);
            this.bar = bar;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                bytes += n;
                bar.stepTo(bytes >> 20);
            }
            return n;
        }
    }
}
