package dev.kyoyu.ingest.http;

import dev.kyoyu.service.auth.Authenticator;
import dev.kyoyu.service.auth.Caller;
import dev.kyoyu.service.http.ApiException;
import dev.kyoyu.service.http.ErrorCode;
import io.helidon.webserver.http.ServerRequest;

/** Every ingest route writes; a caller whose role writes nothing (reader) gets a 403 that names its role. */
final class WriteAccess {
    private WriteAccess() {
    }

    static Caller writer(Authenticator authenticator, ServerRequest req) {
        Caller caller = authenticator.authenticate(req);
        if (!caller.role().canWrite()) {
            throw new ApiException(ErrorCode.FORBIDDEN, "agent " + caller.agentId() + " has role " + caller.role().wireName()
                    + ", which writes nothing: only roles agent and admin may send events");
        }
        return caller;
    }
}
