package dev.coda.internal.server;

import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.NanoTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jetty's {@link NetworkConnectionLimit} on the server's connector, which stops accepting at the limit (new clients
 * wait in the kernel's accept queue) and accepts again when a connection closes, with a warning that stays bounded:
 * the first time the limit is reached, then at most once a minute with how often it was reached meanwhile. (Jetty
 * logs at INFO each time it starts and stops limiting, which at the limit is once per connection.)
 */
final class MaxConnections extends NetworkConnectionLimit {

    private static final Logger LOG = LoggerFactory.getLogger("dev.coda");
    private static final long REPORT_INTERVAL = TimeUnit.MINUTES.toNanos(1);

    private final int max;
    private final int acceptQueueSize;
    // Guarded by the lock Jetty holds around limit()
    private boolean reported;
    private long reportedAt;
    private int reachedSinceReport;

    MaxConnections(int max, ServerConnector connector) {
        super(max, connector);
        this.max = max;
        this.acceptQueueSize = connector.getAcceptQueueSize();
    }

    @Override
    protected void limit() {
        super.limit();
        reachedSinceReport++;
        long now = NanoTime.now();
        if (reported && NanoTime.elapsed(reportedAt, now) < REPORT_INTERVAL) {
            return;
        }
        if (reported) {
            LOG.warn("Coda reached its limit of {} connections {} more times since the last report; new ones wait in "
                    + "the accept queue (at most {}) until one closes", max, reachedSinceReport, acceptQueueSize);
        } else {
            LOG.warn("Coda reached its limit of {} connections (maxConnections); new ones wait in the accept queue "
                    + "(at most {}) until one closes", max, acceptQueueSize);
        }
        reported = true;
        reportedAt = now;
        reachedSinceReport = 0;
    }
}
