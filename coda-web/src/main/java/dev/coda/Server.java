package dev.coda;

import java.net.URI;

/**
 * A running Coda application, as returned by {@link Coda#start()}. Closing it stops it gracefully:
 * it stops accepting connections and lets in-flight requests finish within the shutdown timeout.
 *
 * <pre>{@code
 * try (Server server = Coda.app().routes(new Items()).port(0).build().start()) {
 *     System.out.println("listening on " + server.uri());
 * }
 * }</pre>
 */
public interface Server extends AutoCloseable {

    /** The port it listens on (useful after asking for port 0). */
    int port();

    /** Its base address, e.g. {@code http://127.0.0.1:8000}. */
    URI uri();

    /** Stops gracefully; returns once stopped. */
    void stop();

    /** Waits until the server has stopped. */
    void join() throws InterruptedException;

    @Override
    default void close() {
        stop();
    }
}
