package dev.kyoyu.service.http;

import io.helidon.common.buffers.DataReader;
import io.helidon.http.RequestException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * A request body as the routes read it: at most {@code limit} bytes, each read bounded by the read timeout,
 * and the server's own failures while reading (a bad chunk size, a body shorter than its Content-Length)
 * turned into {@link BodyReadException}s that name what the client did wrong.
 */
final class BodyStream extends InputStream {
    private final InputStream in;
    private final long limit;
    private final ReadDeadlines deadlines;
    private long read;
    private boolean failed;

    BodyStream(InputStream in, long limit, ReadDeadlines deadlines) {
        this.in = in;
        this.limit = limit;
        this.deadlines = deadlines;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        ReadDeadlines.Watch watch = deadlines.arm();
        int n;
        try {
            n = in.read(buffer, offset, length);
        } catch (IOException | RuntimeException e) {
            failed = true;
            if (watch.disarm()) {
                throw deadlines.timedOut(e);
            }
            throw translate(e);
        }
        watch.disarm();
        if (n > 0) {
            read += n;
            if (read > limit) {
                failed = true;
                throw new BodyReadException(ErrorCode.PAYLOAD_TOO_LARGE, "request body exceeds the limit of " + limit + " bytes", null);
            }
        }
        return n;
    }

    private static IOException translate(Exception e) {
        if (e instanceof BodyReadException b) {
            return b;
        }
        if (e instanceof RequestException r) {
            if (r.status().code() == ErrorCode.PAYLOAD_TOO_LARGE.status()) {
                return new BodyReadException(ErrorCode.PAYLOAD_TOO_LARGE, "request body exceeds the server's payload limit", r);
            }
            return new BodyReadException(ErrorCode.INVALID_INPUT, "the chunked request body is malformed: " + r.getMessage(), r);
        }
        if (e instanceof DataReader.InsufficientDataAvailableException || e instanceof UncheckedIOException
                || e instanceof IOException) {
            return new BodyReadException(ErrorCode.INVALID_INPUT,
                    "the request body ended before the length its Content-Length or chunked encoding announced", e);
        }
        // Anything else the server throws while decoding the body is about its framing, e.g. a chunk size
        // that is not hexadecimal (NumberFormatException in Helidon 4.5).
        return new BodyReadException(ErrorCode.INVALID_INPUT,
                "the chunked request body is malformed (a chunk size is not a hexadecimal number, or the framing is broken)", e);
    }

    @Override
    public void close() throws IOException {
        // After a failure the rest of the body is not drained: the answer closes the connection instead.
        if (!failed) {
            in.close();
        }
    }
}
