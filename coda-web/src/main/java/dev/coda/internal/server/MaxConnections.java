package dev.coda.internal.server;

import dev.coda.tasks.internal.SummarizedLog;
import java.time.Duration;
import java.time.InstantSource;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Jetty's {@link NetworkConnectionLimit} on the server's connector, which stops accepting at the limit (new clients
 * wait in the kernel's accept queue) and accepts again when a connection closes, with a warning that stays bounded:
 * the first time the limit is reached, then at most once a minute with how often it was reached meanwhile. (Jetty
 * logs at INFO each time it starts and stops limiting, which at the limit is once per connection.)
 */
final class MaxConnections extends NetworkConnectionLimit {

    private static final Logger LOG = LoggerFactory.getLogger("dev.coda");

    private final int max;
    private final int acceptQueueSize;
    private final SummarizedLog reached = new SummarizedLog(LOG, Level.WARN, Duration.ofMinutes(1), InstantSource.system());

    MaxConnections(int max, ServerConnector connector) {
        super(max, connector);
        this.max = max;
        this.acceptQueueSize = connector.getAcceptQueueSize();
    }

    @Override
    protected void limit() {
        super.limit();
        reached.record("Coda reached its limit of {} connections (maxConnections); new ones wait in the accept queue "
                + "(at most {}) until one closes", max, acceptQueueSize);
    }
}
