package dev.coda.internal.server;

import java.time.Duration;

/**
 * Server settings; {@code Coda.Builder} documents each one and its default.
 *
 * @param host the interface to listen on
 * @param port the port; 0 picks a free one
 * @param maxRequestBodySize bodies larger than this are answered with {@code 413}
 * @param shutdownTimeout how long a graceful stop waits for in-flight requests
 * @param idleTimeout how long an idle keep-alive connection stays open
 * @param maxConnections the most connections open at once; past it, new ones wait in the accept queue
 * @param acceptQueueSize the listen backlog: how many connections the kernel holds until they are accepted
 * @param requestHeadTimeout how long a request head may take to arrive
 * @param requestBodyGrace how long a request body may take to start arriving
 * @param minRequestBodyRate past the grace, the average rate a request body must keep, in bytes per second
 * @param eventKeepAlive how long an event stream may stay silent before a keep-alive comment is sent
 * @param forms the limits of form bodies (multipart parts, files, temporary files)
 * @param strictContentType whether a JSON body needs a JSON {@code Content-Type} (FastAPI 0.120+'s default)
 * @param edge the Jetty handlers around the app: access log, compression, CORS, the app's own
 * @param rootPath the prefix a proxy serves the app under, {@code ""} for none: in the URLs the app builds
 * @param mounts the sub-applications and Jetty handlers mounted under prefixes
 */
public record Settings(String host, int port, long maxRequestBodySize, Duration shutdownTimeout, Duration idleTimeout,
                       int maxConnections, int acceptQueueSize, Duration requestHeadTimeout, Duration requestBodyGrace,
                       long minRequestBodyRate, Duration eventKeepAlive, dev.coda.FormLimits forms, boolean strictContentType,
                       dev.coda.internal.edge.Edge edge, String rootPath, java.util.List<Mount> mounts) {

    public Settings {
        mounts = java.util.List.copyOf(mounts);
    }

    /**
     * A sub-application or a Jetty handler served under {@code prefix} (one of the two is {@code null}).
     *
     * @param prefix starts with {@code /}, no trailing slash
     */
    public record Mount(String prefix, Application app, org.eclipse.jetty.server.Handler handler) {
    }

    /** The same settings on another address (the network test client listens on a free loopback port). */
    public Settings withAddress(String host, int port) {
        return new Settings(host, port, maxRequestBodySize, shutdownTimeout, idleTimeout, maxConnections, acceptQueueSize,
                requestHeadTimeout, requestBodyGrace, minRequestBodyRate, eventKeepAlive, forms, strictContentType, edge, rootPath, mounts);
    }

    /**
     * How long, counted from the first read, the server waits for a body of which {@code received} bytes have come:
     * the grace, plus one second per {@link #minRequestBodyRate} bytes.
     */
    long bodyAllowanceNanos(long received) {
        // received is at most an array's length, so the product stays far below Long.MAX_VALUE
        long allowance = nanos(requestBodyGrace) + received * 1_000_000_000L / minRequestBodyRate;
        return allowance < 0 ? Long.MAX_VALUE : allowance;
    }

    /** {@code duration} in nanoseconds, {@code Long.MAX_VALUE} past 292 years rather than an exception. */
    static long nanos(Duration duration) {
        return duration.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : duration.toNanos();
    }
}
