package dev.kyoyu.service.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kyoyu.schemas.event.EventJson;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads request bodies within limits: the size is checked while reading (a client cannot make the
 * server buffer more than the limit) and JSON nesting depth is bounded by the parser.
 */
public final class JsonBodies {
    private final long maxBodyBytes;
    private final ObjectMapper mapper;

    public JsonBodies(long maxBodyBytes, int maxNestingDepth) {
        this.maxBodyBytes = maxBodyBytes;
        this.mapper = EventJson.MAPPER.copy();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(maxNestingDepth)
                .build());
        mapper.getFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    /** The whole body as one JSON document; 415 unless it is declared JSON, 413 when too big. */
    public JsonNode readJson(ServerRequest req) throws JsonProcessingException {
        requireContentType(req, "application/json");
        try (InputStream in = limitedBody(req)) {
            JsonNode node = mapper.readTree(in);
            if (node == null || node.isMissingNode()) {
                throw ApiException.invalid("request body is empty; a JSON object is expected");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw tooLargeOr(e, e);
        } catch (IOException e) {
            throw tooLargeOr(e, ApiException.invalid("could not read the request body: " + e.getMessage()));
        }
    }

    /** The body as a stream that fails with 413 once more than the limit has been read. */
    public InputStream limitedBody(ServerRequest req) {
        req.headers().contentLength().ifPresent(length -> {
            if (length > maxBodyBytes) {
                throw tooLarge();
            }
        });
        return new LimitedInputStream(req.content().inputStream(), maxBodyBytes);
    }

    public void requireContentType(ServerRequest req, String expected) {
        String actual = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("");
        String mediaType = actual.split(";", 2)[0].trim();
        if (!mediaType.equalsIgnoreCase(expected)) {
            throw new ApiException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "Content-Type must be " + expected + (actual.isEmpty() ? "; none was sent" : "; got " + actual));
        }
    }

    private ApiException tooLarge() {
        return new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, "request body exceeds the limit of " + maxBodyBytes + " bytes");
    }

    /** An oversize body surfaces as a read failure, possibly wrapped by the parser: make it the 413 it is. */
    public static <E extends Exception> E tooLargeOr(IOException e, E otherwise) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BodyTooLargeException) {
                throw new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, t.getMessage());
            }
        }
        return otherwise;
    }

    static final class BodyTooLargeException extends IOException {
        BodyTooLargeException(long limit) {
            super("request body exceeds the limit of " + limit + " bytes");
        }
    }

    private static final class LimitedInputStream extends InputStream {
        private final InputStream in;
        private final long limit;
        private long read;

        LimitedInputStream(InputStream in, long limit) {
            this.in = in;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws IOException {
            read += n;
            if (read > limit) {
                throw new BodyTooLargeException(limit);
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
