package dev.kyoyu.service.auth;

import dev.kyoyu.service.http.ApiException;
import dev.kyoyu.service.http.ErrorCode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/** Turns {@code Authorization: Bearer …} into a {@link Caller}, or a 401 that says what is missing. */
public final class Authenticator {
    private static final String CONTEXT_KEY = "kyoyu.caller";

    private final Tokens tokens;
    private final Revocations revocations;
    private final Clock clock;
    private final Counter missing;
    private final Counter invalid;
    private final Counter revoked;

    /** @param revocations consulted on every request, after the signature and expiry: a revoked token is a 401 */
    public Authenticator(Tokens tokens, Revocations revocations, MeterRegistry registry) {
        this.tokens = tokens;
        this.revocations = revocations;
        this.clock = Clock.systemUTC();
        this.revoked = Counter.builder("kyoyu.auth.failures").tag("reason", "revoked_token").register(registry);
        this.missing = Counter.builder("kyoyu.auth.failures").tag("reason", "missing_token").register(registry);
        this.invalid = Counter.builder("kyoyu.auth.failures").tag("reason", "invalid_token").register(registry);
    }

    public Caller authenticate(ServerRequest req) {
        // A request is verified once: the body admission filter does it before any route reads the body.
        Caller known = req.context().get(CONTEXT_KEY, Caller.class).orElse(null);
        if (known != null) {
            return known;
        }
        Caller caller = verify(req);
        req.context().register(CONTEXT_KEY, caller);
        return caller;
    }

    /**
     * The caller if the request carries a valid token, else empty; counts no failure (the route's
     * {@link #authenticate} answers and counts it). For filters that only need to know who is asking.
     */
    public Optional<Caller> caller(ServerRequest req) {
        Optional<Caller> known = req.context().get(CONTEXT_KEY, Caller.class);
        if (known.isPresent()) {
            return known;
        }
        String header = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        Optional<Caller> caller = header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? admitted(header.substring(7).trim()) : Optional.empty();
        caller.ifPresent(c -> req.context().register(CONTEXT_KEY, c));
        return caller;
    }

    private Caller verify(ServerRequest req) {
        String header = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            missing.increment();
            throw new ApiException(ErrorCode.UNAUTHORIZED,
                    "missing bearer token: send Authorization: Bearer <token> from POST /auth/token");
        }
        String token = header.substring(7).trim();
        if (tokens.verify(token).isEmpty()) {
            invalid.increment();
            throw new ApiException(ErrorCode.UNAUTHORIZED, "bearer token is invalid or expired; get a new one from POST /auth/token");
        }
        TokenClaims claims = ClaimsOfVerified.of(token);
        revocations.refusal(claims, clock.instant()).ifPresent(reason -> {
            revoked.increment();
            throw new ApiException(ErrorCode.UNAUTHORIZED, "bearer token is no longer honoured: " + reason);
        });
        return claims.caller();
    }

    /**
     * For responses that outlive the request (subscriptions): asks, whenever called, whether the token this request
     * was admitted with is still honoured, so a revocation ends the stream too. Call after {@link #authenticate}.
     */
    public BooleanSupplier stillHonoured(ServerRequest req) {
        String header = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        TokenClaims claims = ClaimsOfVerified.of(header.substring(7).trim());
        return () -> revocations.refusal(claims, clock.instant()).isEmpty();
    }

    private Optional<Caller> admitted(String token) {
        if (tokens.verify(token).isEmpty()) {
            return Optional.empty();
        }
        TokenClaims claims = ClaimsOfVerified.of(token);
        return revocations.refusal(claims, clock.instant()).isPresent() ? Optional.empty() : Optional.of(claims.caller());
    }
}
