package dev.kyoyu.bench.sink;

import dev.kyoyu.bench.report.Progress;
import dev.kyoyu.bench.stack.BenchDatabase;
import dev.kyoyu.bench.stack.CpuMeter;
import dev.kyoyu.sink.copy.EventCopyWriter;
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
final class RawCopy {
    record Result(long rows, double seconds, Map<String, Double> cores) {
        double rowsPerSecond() {
            return rows / seconds;
        }
    }

    private RawCopy() {
    }

    /** The CPU window closes before the session does, so the backend's CPU is still there to be read. */
    static Result copy(BenchDatabase database, Path file, long expectedRows, CpuMeter cpu) throws SQLException, IOException {
        try (Connection connection = database.connect();
             ProgressBar bar = Progress.bar("raw COPY", expectedRows, "rows");
             InputStream in = new RowCounter(new BufferedInputStream(Files.newInputStream(file), 1 << 20), bar)) {
            CpuMeter.Window window = cpu.start();
            long started = System.nanoTime();
            long rows = connection.unwrap(PGConnection.class).getCopyAPI()
                    .copyIn("COPY agent_events " + EventCopyWriter.COLUMNS + " FROM STDIN", in, 1 << 16);
            double seconds = (System.nanoTime() - started) / 1e9;
            Map<String, Double> cores = window.stop();
            bar.stepTo(rows);
            return new Result(rows, seconds, cores);
        }
    }

    /** Counts the newlines streamed so far, which is the rows sent, for the progress bar. */
    private static final class RowCounter extends FilterInputStream {
        private final ProgressBar bar;
        private long rows;

        RowCounter(InputStream in, ProgressBar bar) {
            super(in);
            this.bar = bar;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            for (int i = offset; i < offset + n; i++) {
                if (buffer[i] == '\n') {
                    rows++;
                }
            }
            if (n > 0) {
                bar.stepTo(rows);
            }
            return n;
        }
    }
}
