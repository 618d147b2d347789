package dev.kyoyu.service.http;

import java.time.Duration;

/**
 * A failure the client should hear about, with the code, a message naming what was wrong,
 * and optional machine-readable details. Mapped to the error envelope in one place: {@link ApiErrors}.
 */
public class ApiException extends RuntimeException {
    private final ErrorCode code;
    private final Object details;
    private final Duration retryAfter;

    public ApiException(ErrorCode code, String message) {
        this(code, message, null, null, null);
    }

    public ApiException(ErrorCode code, String message, Object details) {
        this(code, message, details, null, null);
    }

    private ApiException(ErrorCode code, String message, Object details, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.details = details;
        this.retryAfter = retryAfter;
    }

    /** 503 with Retry-After: the client should send the same request again later. */
    public static ApiException unavailable(String message, Duration retryAfter, Throwable cause) {
        return new ApiException(ErrorCode.UNAVAILABLE, message, null, retryAfter, cause);
    }

    public static ApiException invalid(String message) {
        return new ApiException(ErrorCode.INVALID_INPUT, message);
    }

    public ErrorCode code() {
        return code;
    }

    public Object details() {
        return details;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
