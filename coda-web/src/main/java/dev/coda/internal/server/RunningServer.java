package dev.coda.internal.server;

import dev.coda.Server;
import java.net.URI;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.server.NetworkConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A started Jetty server behind the public {@link Server} interface. */
public final class RunningServer implements Server {

    private static final Logger LOG = LoggerFactory.getLogger("dev.coda");

    private final org.eclipse.jetty.server.Server jetty;
    private final Settings settings;
    private final int port;
    private final Runnable afterStop;
    private final java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();

    private RunningServer(org.eclipse.jetty.server.Server jetty, Settings settings, Runnable afterStop) {
        this.jetty = jetty;
        this.settings = settings;
        this.afterStop = afterStop;
        this.port = boundPort(jetty);
    }

    /** Starts {@code jetty}; a failure to bind is reported as an {@link IllegalStateException}. */
    public static RunningServer start(org.eclipse.jetty.server.Server jetty, Settings settings) {
        return start(jetty, settings, () -> { });
    }

    /**
     * Starts {@code jetty}; {@link #stop()} runs {@code afterStop} (draining background tasks) once Jetty has
     * stopped, so that tasks of the last requests are still accepted while they finish.
     */
    public static RunningServer start(org.eclipse.jetty.server.Server jetty, Settings settings, Runnable afterStop) {
        try {
            jetty.start();
        } catch (Exception e) {
            try {
                jetty.stop();
            } catch (Exception ignored) {
                // already failing
            }
            throw new IllegalStateException("Coda could not start on " + settings.host() + ":" + settings.port() + ": " + e.getMessage(), e);
        }
        var running = new RunningServer(jetty, settings, afterStop);
        LOG.info("Coda is listening on {}{}", running.uri(), onAllInterfaces(settings.host()) ? " (and on all interfaces)" : "");
        return running;
    }

    /** The bound port, as read once started: Jetty reports -2 once the connector is closed. */
    @Override
    public int port() {
        return port;
    }

    private static int boundPort(org.eclipse.jetty.server.Server jetty) {
        for (var connector : jetty.getConnectors()) {
            if (connector instanceof NetworkConnector network) {
                return network.getLocalPort();
            }
        }
        return -1;
    }

    @Override
    public URI uri() {
        var host = onAllInterfaces(settings.host()) ? "127.0.0.1" : settings.host();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + port());
    }

    private static boolean onAllInterfaces(String host) {
        return host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
    }

    /**
     * Stops gracefully. Requests still running when the shutdown timeout ends are abandoned: Jetty closes
     * their connections and stops anyway, then reports the graceful wait's {@link TimeoutException}; that
     * is the configured behaviour, not a failure, so it is logged and {@code stop} returns normally.
     */
    @Override
    public void stop() {
        try {
            stopJetty();
        } finally {
            if (stopped.compareAndSet(false, true)) {
                afterStop.run();
            }
        }
    }

    private void stopJetty() {
        try {
            jetty.stop();
        } catch (TimeoutException e) {
            if (e.getSuppressed().length > 0) {
                throw new IllegalStateException("Coda did not stop cleanly", e);
            }
            LOG.warn("Requests still running after the shutdown timeout ({}) were abandoned", settings.shutdownTimeout());
        } catch (Exception e) {
            throw new IllegalStateException("Coda did not stop cleanly", e);
        }
    }

    @Override
    public void join() throws InterruptedException {
        jetty.join();
    }
}
