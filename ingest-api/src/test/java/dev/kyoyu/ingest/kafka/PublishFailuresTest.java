package dev.kyoyu.ingest.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.service.http.ApiException;
import dev.kyoyu.service.http.ErrorCode;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

class PublishFailuresTest {
    private static final int LIMIT = 1_048_576;

    private static ApiException api(Throwable failure) {
        return assertInstanceOf(ApiException.class, PublishFailures.of(new ExecutionException(failure), LIMIT));
    }

    private static void assertNoKafkaWording(ApiException e) {
        assertFalse(e.getMessage().contains("Exception"), e.getMessage());
        assertFalse(e.getMessage().contains("secret broker words"), e.getMessage());
    }

    @Test
    void onlyWhatRetryingCanCureIs503WithRetryAfter() {
        for (Throwable retriable : new Throwable[] {new TimeoutException("secret broker words"),
                new NotEnoughReplicasException("secret broker words"), new java.util.concurrent.TimeoutException()}) {
            ApiException e = api(retriable);
            assertEquals(ErrorCode.UNAVAILABLE, e.code());
            assertNotNull(e.retryAfter());
            assertNoKafkaWording(e);
        }
    }

    @Test
    void aRecordTooLargeIs413NamingTheLimitWithoutRetryAfter() {
        ApiException e = api(new RecordTooLargeException("secret broker words"));
        assertEquals(ErrorCode.PAYLOAD_TOO_LARGE, e.code());
        assertNull(e.retryAfter());
        assertTrue(e.getMessage().contains(LIMIT + " bytes"), e.getMessage());
        assertEquals(LIMIT, ((Map<?, ?>) e.details()).get("limit_bytes"));
        assertNoKafkaWording(e);
    }

    @Test
    void anythingElseIsAnInternalErrorThatKeepsItsCauseForTheLog() {
        for (Throwable other : new Throwable[] {new TopicAuthorizationException("secret broker words"),
                new InvalidTopicException("secret broker words"), new IllegalStateException("producer closed")}) {
            RuntimeException e = PublishFailures.of(new ExecutionException(other), LIMIT);
            assertInstanceOf(PublishFailures.PublishFailed.class, e, "not an ApiException: ApiErrors answers a generic 500");
            assertEquals(other, e.getCause());
        }
    }
}
