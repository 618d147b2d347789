package dev.kyoyu.ingest.kafka;

import dev.kyoyu.service.http.ApiException;
import dev.kyoyu.service.http.ErrorCode;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;

/**
 * What a failed publish tells the client, truthfully: only what retrying can cure (Kafka's retriable errors,
 * a timeout, an interrupted wait) is 503 with Retry-After; a record over the size limit is 413 naming the
 * limit; anything else is a 500 whose cause is logged, not shown. No Kafka wording or class name reaches
 * the answer.
 */
public final class PublishFailures {
    static final Duration RETRY_AFTER = Duration.ofSeconds(2);

    private PublishFailures() {
    }

    /** Thrown for a failure that no retry of the same request cures; ApiErrors logs it and answers a generic 500. */
    public static final class PublishFailed extends RuntimeException {
        PublishFailed(Throwable cause) {
            super("publishing events failed for a reason retrying will not cure", cause);
        }
    }

    public static RuntimeException of(Throwable failure, int maxRecordBytes) {
        Throwable cause = failure instanceof ExecutionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof RecordTooLargeException) {
            return tooLarge("a record of this request", -1, maxRecordBytes, null);
        }
        if (cause instanceof RetriableException || cause instanceof java.util.concurrent.TimeoutException) {
            return unavailable(cause);
        }
        if (cause instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return unavailable(cause);
        }
        return new PublishFailed(cause);
    }

    static ApiException unavailable(Throwable cause) {
        return ApiException.unavailable("the event log did not take the events in time; send them again", RETRY_AFTER, cause);
    }

    /**
     * 413 PAYLOAD_TOO_LARGE naming the limit.
     *
     * @param what  e.g. "the RunStarted record"
     * @param size  the record's size in bytes, or -1 when not known
     * @param field the request field that made it too large, or null
     */
    public static ApiException tooLarge(String what, int size, int maxRecordBytes, String field) {
        String message = what + (size < 0 ? " is too large" : " is " + size + " bytes")
                + "; a record may be at most " + maxRecordBytes + " bytes";
        Map<String, Object> details = new java.util.LinkedHashMap<>();
        if (field != null) {
            details.put("field", field);
        }
        details.put("limit_bytes", maxRecordBytes);
        if (size >= 0) {
            details.put("size_bytes", size);
        }
        return new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, message, details);
    }
}
