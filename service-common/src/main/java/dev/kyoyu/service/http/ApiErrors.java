package dev.kyoyu.service.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import io.helidon.common.buffers.DataReader;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.RequestException;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP answers: those of routes, those met while reading a body, and those
 * the server raises itself before routing (bad request line, headers, Content-Length, chunking, sizes), which
 * Helidon hands to {@link #directHandlers()}. A 500 logs its cause and tells the client nothing internal.
 */
public final class ApiErrors {
    private static final Pattern HTTP_METHOD = Pattern.compile("[A-Z]{1,20}");
    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);
    /** Jackson's messages may quote where a document came from or name Java types; neither is for clients. */
    private static final Pattern SOURCE = Pattern.compile("\\s*\\(?(start marker at )?\\[Source:[^\\]]*\\][^)]*\\)?");
    private static final Pattern JAVA_NAME = Pattern.compile("`?\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z][\\w$.]*`?");

    private ApiErrors() {
    }

    public static void install(HttpRouting.Builder routing) {
        routing.error(ApiException.class, ApiErrors::apiException);
        routing.error(StreamConstraintsException.class, (req, res, e) -> apiException(req, res, JsonLimits.violation(e)));
        routing.error(JsonProcessingException.class, (req, res, e) -> apiException(req, res, describe(e)));
        routing.error(Exception.class, ApiErrors::unexpected);
    }

    /** Last route: anything no route matched gets the envelope too, not the server's plain-text 404. */
    public static void installFallback(HttpRouting.Builder routing) {
        routing.any((req, res) -> Envelope.sendError(req, res, ErrorCode.NOT_FOUND,
                "no route for " + req.prologue().method().text() + " " + req.path().path(), null));
    }

    /** What a JSON failure means to the client, without Jackson's class names. */
    public static ApiException describe(JsonProcessingException e) {
        if (e instanceof StreamConstraintsException limit) {
            return JsonLimits.violation(limit);
        }
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String field = mapping.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[");
            return new ApiException(ErrorCode.INVALID_INPUT, field + ": value has the wrong type or form", Map.of("field", field));
        }
        return new ApiException(ErrorCode.INVALID_INPUT, "malformed JSON: " + clientSafe(e.getOriginalMessage()) + location(e),
                Map.of("field", JsonLimits.field(e)));
    }

    private static String clientSafe(String message) {
        if (message == null) {
            return "unreadable document";
        }
        return JAVA_NAME.matcher(SOURCE.matcher(message).replaceAll("")).replaceAll("value").trim();
    }

    /** Retry-After of an exception that carries one, in whole seconds (at least 1); for answers sent outside the routes too. */
    public static void retryAfter(ServerResponse res, ApiException e) {
        if (e.retryAfter() != null) {
            res.header(HeaderNames.RETRY_AFTER, Long.toString(Math.max(1, e.retryAfter().toSeconds())));
        }
    }

    private static void apiException(ServerRequest req, ServerResponse res, ApiException e) {
        retryAfter(res, e);
        if (e.code() == ErrorCode.INTERNAL_ERROR || e.code() == ErrorCode.UNAVAILABLE) {
            LOG.warn("request {} failed: {}", RequestIds.of(req), e.getMessage(), e.getCause());
        }
        closeIfBodyUnread(req, res);
        Envelope.sendError(req, res, e.code(), e.getMessage(), e.details());
    }

    /**
     * An answer given before the body was read to its end closes the connection: otherwise the server would go on
     * reading (and discarding) whatever the client still sends, without any of our limits.
     */
    public static void closeIfBodyUnread(ServerRequest req, ServerResponse res) {
        if (!req.content().consumed()) {
            res.header(HeaderValues.CONNECTION_CLOSE);
        }
    }

    private static void unexpected(ServerRequest req, ServerResponse res, Exception e) {
        ApiException clientFault = clientFault(e);
        if (clientFault != null) {
            apiException(req, res, clientFault);
            return;
        }
        String requestId = RequestIds.of(req);
        LOG.error("request {} {} {} failed", requestId, req.prologue().method().text(), req.path().path(), e);
        closeIfBodyUnread(req, res);
        Envelope.sendError(req, res, ErrorCode.INTERNAL_ERROR, "internal error; quote request id " + requestId, null);
    }

    /** A failure caused by what the client sent, met while a route read the body; null when it is ours. */
    private static ApiException clientFault(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BodyReadException b) {
                return b.toApiException();
            }
            if (t instanceof StreamConstraintsException limit) {
                return JsonLimits.violation(limit);
            }
            if (t instanceof RequestException r && r.status().code() < 500) {
                return new ApiException(code(r.status()), "the request body is malformed: " + r.getMessage());
            }
            if (t instanceof DataReader.InsufficientDataAvailableException) {
                return ApiException.invalid("the request body ended before the length its Content-Length announced");
            }
        }
        return null;
    }

    /** Answers for what the server itself refuses before routing, in the same envelope. */
    public static DirectHandlers directHandlers() {
        DirectHandlers.Builder builder = DirectHandlers.builder();
        for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
            builder.addHandler(type, ApiErrors::direct);
        }
        return builder.build();
    }

    private static DirectHandler.TransportResponse direct(DirectHandler.TransportRequest request, DirectHandler.EventType type,
                                                          Status status, ServerResponseHeaders headers, String detail) {
        ErrorCode code = type == DirectHandler.EventType.HTTP_VERSION_NOT_SUPPORTED ? ErrorCode.INVALID_INPUT : code(status);
        if (code == ErrorCode.INTERNAL_ERROR && !HTTP_METHOD.matcher(String.valueOf(request.method())).matches()) {
            // Helidon fails on a request line it cannot read (control bytes for a method) with a 500: it is the client's.
            code = ErrorCode.INVALID_INPUT;
        }
        String message = directMessage(code, type, request, detail);
        if (code == ErrorCode.INTERNAL_ERROR) {
            LOG.warn("the server failed a request before routing it: {} {} ({})", request.method(), request.path(), detail);
        }
        String requestId = RequestIds.of(request.headers());
        headers.set(HeaderNames.CONTENT_TYPE, "application/json");
        headers.set(HeaderNames.create(RequestIds.HEADER), requestId);
        if (code == ErrorCode.UNAVAILABLE) {
            headers.set(HeaderNames.RETRY_AFTER, "1");
        }
        return DirectHandler.TransportResponse.builder()
                .status(Status.create(code.status()))
                .headers(headers)
                .entity(Envelope.errorBytes(code, message, requestId))
                .keepAlive(false)
                .build();
    }

    private static String directMessage(ErrorCode code, DirectHandler.EventType type, DirectHandler.TransportRequest request,
                                        String detail) {
        // Helidon passes its own wording only when it deems it safe; otherwise a placeholder we do not repeat.
        String said = detail == null || detail.startsWith("Bad request, see server log") ? "" : ": " + detail;
        return switch (code) {
            case URI_TOO_LONG -> "the request line is longer than this server accepts";
            case HEADERS_TOO_LARGE -> "the request headers are larger than this server accepts";
            case PAYLOAD_TOO_LARGE -> "the request body is larger than this server accepts";
            case UNAVAILABLE -> "the server is at its limit of concurrent requests; send the same request again shortly";
            case INTERNAL_ERROR -> "internal error";
            default -> {
                if (type == DirectHandler.EventType.HTTP_VERSION_NOT_SUPPORTED) {
                    yield "only HTTP/1.1 is supported";
                }
                yield (request.method() == null || request.method().isEmpty() ? "malformed request line"
                        : "malformed request (request line, headers, Content-Length or chunked body)") + said;
            }
        };
    }

    private static ErrorCode code(Status status) {
        for (ErrorCode code : ErrorCode.values()) {
            if (code.status() == status.code()) {
                return code;
            }
        }
        // A status without a code of its own: a client fault is a bad request, and so is asking for what HTTP/1.1
        // here does not do (501 for CONNECT to an IP literal); 503 is a retry, anything else ours.
        return switch (status.code()) {
            case 501 -> ErrorCode.INVALID_INPUT;
            case 503 -> ErrorCode.UNAVAILABLE;
            default -> status.code() < 500 ? ErrorCode.INVALID_INPUT : ErrorCode.INTERNAL_ERROR;
        };
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }
}
