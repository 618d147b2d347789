package dev.kyoyu.service.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kyoyu.schemas.event.EventJson;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads request bodies within limits: the size is checked while reading (a client cannot make the server
 * buffer more than the limit), each read is bounded by the read timeout, and the parser bounds the tree the
 * body becomes ({@link JsonLimits}).
 */
public final class JsonBodies {
    private final JsonLimits limits;
    private final ReadDeadlines deadlines;
    private final ObjectMapper mapper;

    public JsonBodies(JsonLimits limits, ReadDeadlines deadlines) {
        this.limits = limits;
        this.deadlines = deadlines;
        this.mapper = EventJson.MAPPER.copy();
        mapper.getFactory().setStreamReadConstraints(limits.constraints());
        mapper.getFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        // {"a":1}{"b":2} is not one document: refuse it instead of reading the first and ignoring the rest.
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** A mapper whose parsers enforce {@link JsonLimits} (for bodies read piece by piece, such as NDJSON lines). */
    public ObjectMapper mapper() {
        return mapper;
    }

    public JsonLimits limits() {
        return limits;
    }

    /** The whole body as one JSON document; 415 unless it is declared JSON, 413 when too big. */
    public JsonNode readJson(ServerRequest req) throws JsonProcessingException {
        requireContentType(req, "application/json");
        try (InputStream in = StrictUtf8.checking(limitedBody(req))) {
            JsonNode node = mapper.readTree(in);
            if (node == null || node.isMissingNode()) {
                throw ApiException.invalid("request body is empty; a JSON object is expected");
            }
            return node;
        } catch (StreamConstraintsException e) {
            throw JsonLimits.violation(e);
        } catch (JsonProcessingException e) {
            throw tooLargeOr(e, e);
        } catch (IOException e) {
            throw tooLargeOr(e, ApiException.invalid("could not read the request body"));
        }
    }

    /**
     * The body as a stream that fails with a {@link BodyReadException} once more than the limit has been read,
     * when a read waits longer than the read timeout, or when the client's framing is broken.
     */
    public InputStream limitedBody(ServerRequest req) {
        req.headers().contentLength().ifPresent(length -> {
            if (length > limits.maxBodyBytes()) {
                throw tooLarge();
            }
        });
        return new BodyStream(req.content().inputStream(), limits.maxBodyBytes(), deadlines);
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
        return new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, "request body exceeds the limit of " + limits.maxBodyBytes() + " bytes");
    }

    /**
     * A body that could not be read because of the client (too big, too slow, cut short, badly chunked) surfaces
     * as a read failure, possibly wrapped by the parser: throw the 4xx it is; anything else gives {@code otherwise}.
     */
    public static <E extends Exception> E tooLargeOr(IOException e, E otherwise) {
        BodyReadException failure = BodyReadException.in(e);
        if (failure != null) {
            throw failure.toApiException();
        }
        return otherwise;
    }
}
