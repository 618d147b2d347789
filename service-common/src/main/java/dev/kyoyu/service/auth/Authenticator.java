package dev.kyoyu.service.auth;

import dev.kyoyu.service.http.ApiException;
import dev.kyoyu.service.http.ErrorCode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Turns {@code Authorization: Bearer …} into a {@link Caller}, or a 401 that says what is wrong: no token, an expired
 * or invalid one, one meant for another API, or one revoked since it was issued ({@link Revocations}). Failures are
 * counted as {@code kyoyu_auth_failures_total{reason}}.
 */
public final class Authenticator {
    private static final String CONTEXT_KEY = "kyoyu.token.outcome";
    private static final String RENEW = "get a new one from POST /auth/token";

    private final Tokens tokens;
    private final Revocations revocations;
    private final Audience audience;
    private final Clock clock;
    private final Counter missing;
    private final Counter invalid;
    private final Counter wrongAudience;
    private final Counter revoked;

    /** What one request's token came to: its claims, or the failure to answer with. */
    private record Outcome(TokenClaims claims, Counter counter, String message, boolean unavailable) {
        Outcome(TokenClaims claims, Counter counter, String message) {
            this(claims, counter, message, false);
        }
    }

    /** While the revocations are loading nobody can be judged: the client should simply ask again shortly. */
    private static final Duration LOADING_RETRY = Duration.ofSeconds(2);

    public Authenticator(Tokens tokens, Revocations revocations, Audience audience, MeterRegistry registry) {
        this(tokens, revocations, audience, registry, Clock.systemUTC());
    }

    public Authenticator(Tokens tokens, Revocations revocations, Audience audience, MeterRegistry registry, Clock clock) {
        this.tokens = tokens;
        this.revocations = revocations;
        this.audience = audience;
        this.clock = clock;
        this.missing = failures(registry, "missing_token");
        this.invalid = failures(registry, "invalid_token");
        this.wrongAudience = failures(registry, "wrong_audience");
        this.revoked = failures(registry, "revoked");
    }

    private static Counter failures(MeterRegistry registry, String reason) {
        return Counter.builder("kyoyu.auth.failures").tag("reason", reason).register(registry);
    }

    public Caller authenticate(ServerRequest req) {
        return claims(req).caller();
    }

    /** The verified claims of the request's token (who, which key, which token id), or a 401. */
    public TokenClaims claims(ServerRequest req) {
        Outcome outcome = outcome(req);
        if (outcome.unavailable()) {
            throw ApiException.unavailable(outcome.message(), LOADING_RETRY, null);
        }
        if (outcome.claims() == null) {
            outcome.counter().increment();
            throw new ApiException(ErrorCode.UNAUTHORIZED, outcome.message());
        }
        return outcome.claims();
    }

    /**
     * The caller if the request carries a token this API honours, else empty; counts no failure (the route's
     * {@link #authenticate} answers and counts it). For filters that only need to know who is asking.
     */
    public Optional<Caller> caller(ServerRequest req) {
        return Optional.ofNullable(outcome(req).claims()).map(TokenClaims::caller);
    }

    /**
     * For responses that outlive the request (subscriptions): asks, whenever called, whether the token this request
     * was admitted with is still honoured, so a revocation ends the stream too. Call after {@link #authenticate}.
     */
    public BooleanSupplier stillHonoured(ServerRequest req) {
        TokenClaims claims = claims(req);
        return () -> revocations.refusal(claims, clock.instant()).isEmpty();
    }

    // A request is judged once: the body admission and rate filters ask before any route does.
    private Outcome outcome(ServerRequest req) {
        Optional<Outcome> known = req.context().get(CONTEXT_KEY, Outcome.class);
        if (known.isPresent()) {
            return known.get();
        }
        Outcome outcome = judge(req);
        req.context().register(CONTEXT_KEY, outcome);
        return outcome;
    }

    private Outcome judge(ServerRequest req) {
        String header = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return new Outcome(null, missing, "missing bearer token: send Authorization: Bearer <token> from POST /auth/token");
        }
        Tokens.Verification verification = tokens.check(header.substring(7).trim());
        if (verification.claims().isEmpty()) {
            return verification.failure().orElse(Tokens.Failure.INVALID) == Tokens.Failure.EXPIRED
                    ? new Outcome(null, invalid, "bearer token has expired; " + RENEW)
                    : new Outcome(null, invalid, "bearer token is not valid (malformed, or not signed by a key this API trusts); " + RENEW);
        }
        TokenClaims claims = verification.claims().get();
        if (!claims.audiences().contains(audience)) {
            return new Outcome(null, wrongAudience, "bearer token is not meant for this API: its audience lacks "
                    + audience.claim() + "; get one for " + audience.claim() + " from POST /auth/token");
        }
        if (!revocations.ready()) {
            return new Outcome(null, null, "this replica is still loading the identity topic (revocations); try again shortly", true);
        }
        Optional<String> refusal = revocations.refusal(claims, clock.instant());
        if (refusal.isPresent()) {
            return new Outcome(null, revoked, "bearer token was revoked: " + refusal.get());
        }
        return new Outcome(claims, null, null);
    }
}
