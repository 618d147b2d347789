package dev.kyoyu.service.limits;

import dev.kyoyu.service.http.ApiException;
import dev.kyoyu.service.http.ErrorCode;
import java.util.LinkedHashMap;
import java.util.Map;

/** 429: the agent spent its allowance; {@link RateLimitHeaders} tells it when to come back. */
public final class RateLimitedException extends ApiException {
    private final transient Allowance allowance;

    RateLimitedException(String agentId, Rate rate, Allowance allowance) {
        super(ErrorCode.RATE_LIMITED, "agent '" + agentId + "' is over its limit of " + rate.describe(allowance.limit().unit())
                + " (bursts up to " + allowance.capacity() + "); retry in "
                + retryAfterSeconds(allowance) + " s", details(rate, allowance));
        this.allowance = allowance;
    }

    public Allowance allowance() {
        return allowance;
    }

    static long retryAfterSeconds(Allowance allowance) {
        return Math.max(1, Allowance.ceilSeconds(allowance.retryAfter()));
    }

    private static Map<String, Object> details(Rate rate, Allowance allowance) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("limit", allowance.limit().unit());
        details.put("rate", rate.toString());
        details.put("burst", allowance.capacity());
        details.put("retry_after_seconds", retryAfterSeconds(allowance));
        return details;
    }
}
