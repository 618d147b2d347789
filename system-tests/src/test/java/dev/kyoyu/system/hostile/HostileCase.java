package dev.kyoyu.system.hostile;

import dev.kyoyu.testsupport.RawHttp;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Function;

/**
 * One row of a hostile case table: its family (for the closing counts), a name, how to send it
 * (given the port of the API under test) and what must come back.
 */
record HostileCase(String family, String name, Function<Integer, RawHttp.Response> send, Expect expect) {
    static final Duration TIMEOUT = Duration.ofSeconds(15);

    /** A request sent whole over a fresh connection. */
    static HostileCase of(String family, String name, byte[] request, Expect expect) {
        return new HostileCase(family, name, port -> closedIfRefused(() -> new RawHttp(port, TIMEOUT).exchange(request)), expect);
    }

    /** A request whose body ends early: the socket's output is shut after it. */
    static HostileCase cut(String family, String name, byte[] request, Expect expect) {
        return new HostileCase(family, name, port -> closedIfRefused(() -> new RawHttp(port, TIMEOUT).exchangeHalfClosed(request)), expect);
    }

    interface Exchange {
        RawHttp.Response run() throws IOException;
    }

    /** A connection the server does not accept counts as closed without an answer, as a connection it hangs up on. */
    static RawHttp.Response closedIfRefused(Exchange exchange) {
        try {
            return exchange.run();
        } catch (IOException e) {
            return RawHttp.Response.closed(e.toString());
        }
    }
}
