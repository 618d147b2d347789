package dev.kyoyu.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** Loopback ports for an isolated {@link LocalStack}: free now, and drawn where client sockets never land. */
final class LoopbackPorts {
    /** Below Linux's ephemeral range (32768+). */
    private static final int PORT_FLOOR = 20000;
    private static final int PORT_CEILING = 32000;

    private LoopbackPorts() {
    }

    /** The first of {@code count} consecutive loopback ports that are free now and not yet in {@code taken}. */
    static int free(Set<Integer> taken, int count) {
        for (int attempt = 0; attempt < 1000; attempt++) {
            int first = ThreadLocalRandom.current().nextInt(PORT_FLOOR, PORT_CEILING - count);
            boolean free = true;
            for (int port = first; port < first + count && free; port++) {
                free = !taken.contains(port) && canBind(port);
            }
            if (free) {
                for (int port = first; port < first + count; port++) {
                    taken.add(port);
                }
                return first;
            }
        }
        throw new IllegalStateException("no " + count + " free consecutive loopback ports between " + PORT_FLOOR + " and " + PORT_CEILING);
    }

    private static boolean canBind(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort() == port;
        } catch (IOException e) {
            return false;
        }
    }
}
