package dev.coda.internal.server;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.NanoTime;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes an HTTP/1 connection whose request head has not fully arrived in time. Jetty has no such deadline: its
 * idle timeout restarts at every byte, so a client sending one now and then (slowloris) holds the connection as long
 * as it likes. The first head of a connection is due within the timeout of the accept; a later one within the timeout
 * of its first byte, the wait between requests being the idle timeout's. The connection is closed without an answer,
 * as Jetty closes one whose idle timeout expires during a head.
 *
 * <p>Jetty's {@code HttpConnection} is in an internal package, but what is read of it is public: the count of heads
 * received and its parser's state and start time. Each connection is looked at once per timeout while between heads,
 * and at its exact deadline during one, on Jetty's scheduler.
 */
final class RequestHeadDeadline implements Connection.Listener {

    private static final Logger LOG = LoggerFactory.getLogger("dev.coda");

    private final Scheduler scheduler;
    private final long timeoutNanos;
    private final Map<Connection, Watch> watches = new ConcurrentHashMap<>();

    RequestHeadDeadline(Scheduler scheduler, Duration timeout) {
        this.scheduler = scheduler;
        this.timeoutNanos = Settings.nanos(timeout);
    }

    @Override
    public void onOpened(Connection connection) {
        if (connection instanceof HttpConnection http) {
            var watch = new Watch(http, NanoTime.now());
            watch.checkIn(timeoutNanos);
            watches.put(connection, watch);
        }
    }

    @Override
    public void onClosed(Connection connection) {
        var watch = watches.remove(connection);
        if (watch != null) {
            watch.task.cancel();
        }
    }

    private final class Watch implements Runnable {
        private final HttpConnection connection;
        private final long openedAt;
        private volatile Scheduler.Task task;

        Watch(HttpConnection connection, long openedAt) {
            this.connection = connection;
            this.openedAt = openedAt;
        }

        void checkIn(long nanos) {
            task = scheduler.schedule(this, nanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void run() {
            if (!connection.getEndPoint().isOpen()) {
                watches.remove(connection);   // in case it closed before it was registered
                return;
            }
            var begun = headBegunAt();
            if (begun.isEmpty()) {
                checkIn(timeoutNanos);
                return;
            }
            long left = timeoutNanos - NanoTime.since(begun.getAsLong());
            if (left > 0) {
                checkIn(left);
                return;
            }
            LOG.debug("Closing {}: its request head did not arrive within {} ms", connection.getEndPoint().getRemoteSocketAddress(),
                    TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
            connection.getEndPoint().close(new TimeoutException("request head not received in time"));
        }

        /**
         * When the head being received began: the accept for the first one, else its first byte; empty between
         * requests and while one is handled. The head count is atomic; the parser's fields are plain and read off
         * the connection's thread, so a check may see them a moment late, nothing against a deadline of seconds.
         */
        private OptionalLong headBegunAt() {
            if (connection.getMessagesIn() == 0) {
                return OptionalLong.of(openedAt);
            }
            var parser = connection.getParser();
            long begin = parser.getBeginNanoTime();
            return parser.inHeaderState() && begin != 0 ? OptionalLong.of(begin) : OptionalLong.empty();
        }
    }
}
