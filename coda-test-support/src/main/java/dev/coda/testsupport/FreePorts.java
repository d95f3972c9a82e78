package dev.coda.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for a child process to listen on when the test must name the port before it starts. They lie below the
 * kernel's ephemeral range: a port from {@code new ServerSocket(0)}, closed before the child binds it, can be taken in
 * between as the local port of any outgoing connection (a JDBC or AMQP client, an HTTP call), and the child then fails
 * to start. A port below that range is only ever taken by a process that asks for it.
 *
 * <pre>{@code
 * int port = FreePorts.take();
 * var process = new ProcessBuilder("redis-server", "--port", String.valueOf(port)).start();
 * }</pre>
 */
public final class FreePorts {

    /** The lowest port handed out: above the registered services a machine like this one runs (5432, 5672, 6379). */
    private static final int LOWEST = 10_000;
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

    private FreePorts() {
    }

    /** A port on the loopback interface that nothing listens on now, below the ephemeral range. */
    public static int take() {
        int below = ephemeralStart();
        var random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = random.nextInt(LOWEST, below);
            try (var socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
                return port;
            } catch (BindException taken) {
                // in use: another
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no free port between " + LOWEST + " and " + below + " in 200 tries");
    }

    /** The first port of the kernel's ephemeral range (Linux's default 32768 where it cannot be read). */
    static int ephemeralStart() {
        try {
            var low = Integer.parseInt(Files.readString(EPHEMERAL_RANGE).trim().split("\\s+")[0]);
            return Math.max(low, LOWEST + 1_000);
        } catch (IOException | RuntimeException unreadable) {
            return 32_768;
        }
    }
}
