package dev.kyoyu.service.http;

import java.io.IOException;
import java.util.Map;

/**
 * Reading a request body failed because of what the client sent (too much, too slowly, cut short, badly
 * chunked). An {@link IOException} so that it passes through JSON parsers and line readers unchanged;
 * {@link JsonBodies#tooLargeOr} and {@link ApiErrors} turn it into its 4xx.
 */
public final class BodyReadException extends IOException {
    private final ErrorCode code;
    private final String field;

    public BodyReadException(ErrorCode code, String message, Throwable cause) {
        this(code, message, cause, null);
    }

    /** @param field what the client got wrong, for {@code details.field} (e.g. {@code body} for its encoding) */
    public BodyReadException(ErrorCode code, String message, Throwable cause, String field) {
        super(message, cause);
        this.code = code;
        this.field = field;
    }

    public ErrorCode code() {
        return code;
    }

    public ApiException toApiException() {
        return field == null ? new ApiException(code, getMessage()) : new ApiException(code, getMessage(), Map.of("field", field));
    }

    /** The first body read failure in a chain of causes, or null. */
    public static BodyReadException in(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BodyReadException b) {
                return b;
            }
        }
        return null;
    }
}
