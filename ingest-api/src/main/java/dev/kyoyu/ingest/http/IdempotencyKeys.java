package dev.kyoyu.ingest.http;

import dev.kyoyu.schemas.event.IdAssigner;
import dev.kyoyu.schemas.event.IdKey;
import dev.kyoyu.service.auth.Caller;
import dev.kyoyu.service.http.ApiException;
import dev.kyoyu.service.http.ErrorCode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the optional {@code Idempotency-Key} header and turns it into the request's id source: ids keyed
 * with the server's id secret and the caller, so they repeat for the same agent's retry on any replica and
 * cannot be computed by anyone else.
 */
public final class IdempotencyKeys {
    static final String HEADER = "Idempotency-Key";
    private static final Pattern VALID = Pattern.compile("^[\\x21-\\x7E]{1,255}$");

    private final IdKey secret;

    public IdempotencyKeys(IdKey secret) {
        this.secret = secret;
    }

    IdAssigner assigner(ServerRequest req, Caller caller, String scope) {
        return req.headers().first(HeaderNames.create(HEADER))
                .map(key -> {
                    if (!VALID.matcher(key).matches()) {
                        throw new ApiException(ErrorCode.INVALID_INPUT,
                                HEADER + " must be 1-255 printable ASCII characters without spaces", Map.of("field", HEADER));
                    }
                    return IdAssigner.fromIdempotencyKey(secret, caller.agentId(), scope, key);
                })
                .orElseGet(IdAssigner::server);
    }
}
