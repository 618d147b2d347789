package dev.kyoyu.service.auth;

import java.time.Instant;
import java.util.Optional;

/**
 * Decides whether a correctly signed, unexpired token is still honoured: its agent, API key or role may have been
 * revoked, or the agent's role changed, since it was issued. Empty means admitted; otherwise the reason, for the
 * 401's message and the failure metric.
 */
@FunctionalInterface
public interface Revocations {
    Revocations NONE = (claims, now) -> Optional.empty();

    Optional<String> refusal(TokenClaims claims, Instant now);

    /** False while this process does not yet know every revocation (its copy is loading): tokens cannot be judged. */
    default boolean ready() {
        return true;
    }
}
