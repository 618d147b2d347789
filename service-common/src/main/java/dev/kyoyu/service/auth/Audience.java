package dev.kyoyu.service.auth;

import java.util.Arrays;
import java.util.Optional;

/** The API a token is meant for ({@code aud}); each API refuses tokens not meant for it. */
public enum Audience {
    INGEST("kyoyu-ingest"), QUERY("kyoyu-query");

    private final String claim;

    Audience(String claim) {
        this.claim = claim;
    }

    public String claim() {
        return claim;
    }

    public static Optional<Audience> ofClaim(String claim) {
        return Arrays.stream(values()).filter(a -> a.claim.equals(claim)).findFirst();
    }
}
