package dev.kyoyu.system.hostile;

import java.time.Duration;
import java.util.function.Function;

/**
 * One row of a hostile case table: its family (for the closing counts), a name, how to send it
 * (given the port of the API under test) and what must come back.
 */
record HostileCase(String family, String name, Function<Integer, RawHttp.Answer> send, Expect expect) {
    static final Duration TIMEOUT = Duration.ofSeconds(15);

    /** A request sent whole over a fresh connection. */
    static HostileCase of(String family, String name, byte[] request, Expect expect) {
        return new HostileCase(family, name, port -> RawHttp.exchange(port, request, TIMEOUT), expect);
    }

    /** A request whose body ends early: the socket's output is shut after it. */
    static HostileCase cut(String family, String name, byte[] request, Expect expect) {
        return new HostileCase(family, name, port -> RawHttp.exchange(port, request, TIMEOUT, true), expect);
    }
}
