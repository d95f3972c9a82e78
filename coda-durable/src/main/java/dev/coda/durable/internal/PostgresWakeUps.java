package dev.coda.durable.internal;

import static dev.coda.durable.internal.JdbcTaskEngine.LOG;

import dev.coda.tasks.internal.SummarizedLog;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.postgresql.PGConnection;
import org.slf4j.event.Level;

/**
 * Wake-ups between the processes on one PostgreSQL schema: after the engine's own enqueues (and retries, releases) a
 * notifier thread sends {@code pg_notify} in a transaction of its own; a transactional enqueue sends it inside the
 * application's transaction, so that it is delivered at commit. A dedicated connection {@code LISTEN}s and wakes the
 * engine's {@link JdbcTaskEngine#awaitWork} callers. Notifications are only a hint: workers poll anyway, so a lost one
 * (listener reconnecting, PgBouncer in transaction mode) delays work by at most a poll interval.
 *
 * <pre>{@code
 * var wakeUps = new PostgresWakeUps(engine, "coda_tasks_coda");
 * wakeUps.notifyOthers();   // after a commit that stored tasks
 * }</pre>
 */
final class PostgresWakeUps implements AutoCloseable {

    private final PostgresTaskEngine engine;
    private final String channel;
    private final Object listenerLock = new Object();
    private final ReentrantLock notifierLock = new ReentrantLock();
    private final Condition notifyWanted = notifierLock.newCondition();
    private boolean notifyRequested;
    private Thread notifier;
    private Thread listener;
    private volatile boolean closed;

    PostgresWakeUps(PostgresTaskEngine engine, String channel) {
        this.engine = engine;
        this.channel = channel;
    }

    /** The notification goes in the application's transaction: listeners get it when (and if) it commits. */
    void notifyIn(Connection transaction) throws SQLException {
        try (var notify = transaction.prepareStatement("SELECT pg_notify(?, '')")) {
            notify.setString(1, channel);
            notify.execute();
        }
    }

    /**
     * Asks the notifier thread to send one {@code pg_notify}; requests made while one is being sent are
     * folded into the next. Sent in a transaction of its own after the tasks' commit, a notification costs
     * the enqueue no time: in the storing transaction, PostgreSQL would hold its global notification lock
     * across the commit's {@code fsync}, serialising every enqueue of every process.
     */
    void notifyOthers() {
        notifierLock.lock();
        try {
            if (closed) {
                return;
            }
            notifyRequested = true;
            if (notifier == null) {
                notifier = Thread.ofPlatform().daemon().name("coda-durable-notify-" + engine.schema()).start(this::sendNotifications);
            } else {
                notifyWanted.signal();
            }
        } finally {
            notifierLock.unlock();
        }
    }

    private void sendNotifications() {
        while (true) {
            notifierLock.lock();
            try {
                while (!notifyRequested && !closed) {
                    notifyWanted.awaitUninterruptibly();
                }
                if (closed) {
                    return;
                }
                notifyRequested = false;
            } finally {
                notifierLock.unlock();
            }
            try {
                engine.statement(connection -> {
                    // NOTIFY gives its transaction an id and a commit record: committed without waiting for the WAL flush,
                    // it costs no fsync (a notification is a hint; losing one in a crash delays work by a poll interval)
                    try (var notify = connection.prepareStatement(
                            "SELECT set_config('synchronous_commit', 'off', true), pg_notify(?, '')")) {
                        notify.setString(1, channel);
                        notify.execute();
                    }
                    return null;
                });
            } catch (SQLException | RuntimeException e) {
                LOG.debug("Could not notify other processes of new tasks in {}: {}", engine.describe(), e.getMessage());
            }
        }
    }

    /** Starts listening, once, when a worker first waits for work. */
    void startListener() {
        synchronized (listenerLock) {
            if (listener != null || closed) {
                return;
            }
            listener = Thread.ofPlatform().daemon().name("coda-durable-listen-" + engine.schema()).start(this::listen);
        }
    }

    /** 100 ms after the first failed reconnection, doubling up to 5 s. */
    private static final Backoff RECONNECT = new Backoff(Duration.ofMillis(100), 2.0, Duration.ofSeconds(5));

    private void listen() {
        int failedInARow = 0;
        // a server that is down fails every reconnection: one line, then one per interval counting them
        var failures = new SummarizedLog(LOG, Level.WARN, Duration.ofSeconds(10), InstantSource.system());
        boolean failed = false;
        while (!closed) {
            Connection connection = null;
            try {
                connection = engine.listenConnection();
                if (!connection.getAutoCommit()) {
                    connection.setAutoCommit(true);
                }
                var pg = connection.unwrap(PGConnection.class);
                try (var statement = connection.createStatement()) {
                    statement.execute("LISTEN \"" + channel + "\"");
                }
                failedInARow = 0;
                if (failed) {
                    failed = false;
                    LOG.info("Listening for new durable tasks on {} again", engine.describe());
                }
                engine.wake(); // whatever was stored while nobody listened
                while (!closed) {
                    var notifications = pg.getNotifications(500);
                    if (notifications != null && notifications.length > 0) {
                        engine.wake();
                    }
                }
            } catch (SQLException e) {
                if (closed) {
                    break;
                }
                failed = true;
                failures.record("Listening for new durable tasks on {} failed ({}); polling until it reconnects", engine.describe(), e.getMessage());
                try {
                    Thread.sleep(RECONNECT.after(++failedInARow).toMillis());
                } catch (InterruptedException interrupted) {
                    break;
                }
            } finally {
                if (connection != null) {
                    try {
                        connection.close();
                    } catch (SQLException ignored) {
                        // going away
                    }
                }
            }
        }
    }

    public void close() {
        Thread running;
        synchronized (listenerLock) {
            if (closed) {
                return;
            }
            closed = true;
            running = listener;
        }
        Thread notifying;
        notifierLock.lock();
        try {
            notifyWanted.signal();
            notifying = notifier;
        } finally {
            notifierLock.unlock();
        }
        if (notifying != null) {
            try {
                notifying.join(Duration.ofSeconds(3));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (running != null) {
            try {
                running.join(Duration.ofSeconds(3));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
