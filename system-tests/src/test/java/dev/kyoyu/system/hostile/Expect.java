package dev.kyoyu.system.hostile;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.testsupport.ClientFacing;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** What a hostile case must get back; {@link #problem} says what is wrong with an answer, or nothing. */
interface Expect {
    Optional<String> problem(RawHttp.Answer answer);

    /** Any 4xx in the error envelope. */
    static Expect clientError() {
        return answer -> {
            if (answer.status() < 400 || answer.status() > 499) {
                return Optional.of("expected a 4xx, got " + answer);
            }
            return envelope(answer);
        };
    }

    /** Exactly this status, in the error envelope. */
    static Expect status(int status) {
        return answer -> answer.status() == status ? envelope(answer) : Optional.of("expected " + status + ", got " + answer);
    }

    /** Exactly this status and error code, in the error envelope: e.g. 404 NOT_FOUND for another agent's run. */
    static Expect status(int status, String code) {
        return answer -> {
            Optional<String> base = status(status).problem(answer);
            if (base.isPresent()) {
                return base;
            }
            String actual = json(answer.body()).path("error").path("code").asText();
            return actual.equals(code) ? Optional.empty() : Optional.of("expected error code " + code + ", got " + answer);
        };
    }

    /** Errors raised by the HTTP server itself: a 4xx, or the connection closed; never a 5xx. */
    static Expect rejectedByServer() {
        return answer -> {
            if (answer.status() == RawHttp.CLOSED) {
                return Optional.empty();
            }
            if (answer.status() < 400 || answer.status() > 499) {
                return Optional.of("expected a 4xx or a closed connection, got " + answer);
            }
            return leak(answer);
        };
    }

    /** Anything but a server error: a query with odd but legal text may simply match nothing. */
    static Expect noServerError() {
        return answer -> {
            if (answer.status() == RawHttp.CLOSED || answer.status() >= 500) {
                return Optional.of("expected an answer below 500, got " + answer);
            }
            return answer.status() >= 400 ? envelope(answer) : leak(answer);
        };
    }

    /**
     * Another agent's data stays hidden: a 4xx in the envelope (403, 404, or a 400 for an id that is
     * no agent id), or a 2xx that names none of it.
     */
    static Expect nothingOf(Set<String> foreign) {
        return answer -> {
            if (answer.status() >= 400 && answer.status() <= 499) {
                return envelope(answer);
            }
            if (answer.status() / 100 != 2) {
                return Optional.of("expected a 4xx or a 2xx without the other agent's data, got " + answer);
            }
            List<String> shown = foreign.stream().filter(answer.body()::contains).toList();
            return shown.isEmpty() ? Optional.empty() : Optional.of("the answer shows another agent's " + shown + ": " + answer);
        };
    }

    private static Optional<String> envelope(RawHttp.Answer answer) {
        Optional<String> leak = leak(answer);
        if (leak.isPresent()) {
            return leak;
        }
        return ClientFacing.envelopeProblem(answer.body()).map(p -> answer.status() + ": " + p);
    }

    private static Optional<String> leak(RawHttp.Answer answer) {
        return ClientFacing.leak(answer.body()).map(l -> answer.status() + " leaks " + l);
    }

    private static JsonNode json(String body) {
        try {
            return EventJson.MAPPER.readTree(body);
        } catch (IOException e) {
            return EventJson.MAPPER.createObjectNode();
        }
    }
}
