package dev.kyoyu.service.http;

import dev.kyoyu.schemas.event.EventIds;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.webserver.http.ServerRequest;
import java.util.regex.Pattern;

/** The request id: the caller's X-Request-Id when it is sane, else a new UUIDv7; echoed in every answer. */
public final class RequestIds {
    public static final String HEADER = "X-Request-Id";
    private static final Pattern SANE = Pattern.compile("^[A-Za-z0-9._:-]{1,128}$");
    private static final String CONTEXT_KEY = "kyoyu.request-id";

    private RequestIds() {
    }

    public static String of(ServerRequest req) {
        return req.context().get(CONTEXT_KEY, String.class).orElseGet(() -> {
            String id = of(req.headers());
            req.context().register(CONTEXT_KEY, id);
            return id;
        });
    }

    /** For answers written before a request reached routing. */
    public static String of(Headers headers) {
        return headers.first(HeaderNames.create(HEADER))
                .filter(h -> SANE.matcher(h).matches())
                .orElseGet(() -> EventIds.newId().toString());
    }
}
