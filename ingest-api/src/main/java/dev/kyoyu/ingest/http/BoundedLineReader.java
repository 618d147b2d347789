package dev.kyoyu.ingest.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads newline-delimited lines from a stream without ever holding more than {@code maxLineBytes}
 * of one line: a longer line is skipped to its end and reported, so a 50 MB NDJSON body streams
 * through a small, fixed amount of memory.
 */
final class BoundedLineReader {
    /** One line; {@code bytes} is null when the line was longer than the limit. */
    record Line(byte[] bytes, long length) {
        boolean tooLong() {
            return bytes == null;
        }
    }

    private final InputStream in;
    private final int maxLineBytes;
    private final byte[] chunk = new byte[64 * 1024];
    private int position;
    private int limit;

    BoundedLineReader(InputStream in, int maxLineBytes) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    /** The next line without its terminator, or null at the end of the stream. */
    Line next() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        long length = 0;
        boolean overflow = false;
        while (true) {
            if (position == limit) {
                limit = in.read(chunk, 0, chunk.length);
                position = 0;
                if (limit <= 0) {
                    limit = 0;
                    return length == 0 && !overflow && line.size() == 0 ? null : finish(line, length, overflow);
                }
            }
            int start = position;
            while (position < limit && chunk[position] != '\n') {
                position++;
            }
            int count = position - start;
            length += count;
            if (!overflow && line.size() + count > maxLineBytes) {
                overflow = true;
                line.reset();
            }
            if (!overflow) {
                line.write(chunk, start, count);
            }
            if (position < limit) {
                position++; // the newline
                return finish(line, length, overflow);
            }
        }
    }

    private static Line finish(ByteArrayOutputStream line, long length, boolean overflow) {
        if (overflow) {
            return new Line(null, length);
        }
        byte[] bytes = line.toByteArray();
        int end = bytes.length;
        if (end > 0 && bytes[end - 1] == '\r') {
            end--;
        }
        return new Line(end == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, end), length);
    }
}
