package dev.coda.internal.server;

import java.time.Duration;

/**
 * Server settings.
 *
 * @param host the interface to listen on
 * @param port the port; 0 picks a free one
 * @param maxRequestBodySize bodies larger than this are answered with {@code 413}
 * @param shutdownTimeout how long a graceful stop waits for in-flight requests
 * @param idleTimeout how long an idle keep-alive connection stays open
 */
public record Settings(String host, int port, long maxRequestBodySize, Duration shutdownTimeout, Duration idleTimeout) {
}
