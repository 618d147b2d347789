package dev.kyoyu.service.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place where failures become HTTP answers. A 500 logs its cause and tells the client nothing internal. */
public final class ApiErrors {
    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

    private ApiErrors() {
    }

    public static void install(HttpRouting.Builder routing) {
        routing.error(ApiException.class, ApiErrors::apiException);
        routing.error(StreamConstraintsException.class, (req, res, e) -> Envelope.sendError(req, res,
                ErrorCode.INVALID_INPUT, "request body exceeds a JSON limit: " + e.getOriginalMessage(), null));
        routing.error(JsonProcessingException.class, (req, res, e) -> Envelope.sendError(req, res,
                ErrorCode.INVALID_INPUT, "malformed JSON: " + e.getOriginalMessage() + location(e), null));
        routing.error(Exception.class, ApiErrors::unexpected);
    }

    /** Last route: anything no route matched gets the envelope too, not the server's plain-text 404. */
    public static void installFallback(HttpRouting.Builder routing) {
        routing.any((req, res) -> Envelope.sendError(req, res, ErrorCode.NOT_FOUND,
                "no route for " + req.prologue().method().text() + " " + req.path().path(), null));
    }

    private static void apiException(ServerRequest req, ServerResponse res, ApiException e) {
        if (e.retryAfter() != null) {
            res.header(HeaderNames.RETRY_AFTER, Long.toString(Math.max(1, e.retryAfter().toSeconds())));
        }
        if (e.code() == ErrorCode.INTERNAL_ERROR || e.code() == ErrorCode.UNAVAILABLE) {
            LOG.warn("request {} failed: {}", RequestIds.of(req), e.getMessage(), e.getCause());
        }
        Envelope.sendError(req, res, e.code(), e.getMessage(), e.details());
    }

    private static void unexpected(ServerRequest req, ServerResponse res, Exception e) {
        String requestId = RequestIds.of(req);
        LOG.error("request {} {} {} failed", requestId, req.prologue().method().text(), req.path().path(), e);
        Envelope.sendError(req, res, ErrorCode.INTERNAL_ERROR, "internal error; quote request id " + requestId, null);
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }
}
