package dev.coda.durable.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConnection;

/**
 * The task engine on one SQLite file: nothing to install, one machine (several processes on it may
 * share the file, serialised by SQLite's file locks).
 *
 * <h2>Connection</h2>
 * One connection per engine, guarded by a lock. SQLite has a single writer per file whatever the number
 * of connections; a pool would only trade the lock for {@code SQLITE_BUSY} and the busy handler's sleeps
 * (1 to 100 ms), which is far slower than a lock hand-off under load. Every call the engine makes is
 * short (claims, completions and enqueues are batched), so reads waiting behind writes cost microseconds.
 * Other processes on the same file are waited for with {@code busy_timeout}: 10 s for workers' calls, and at most
 * {@link #REQUEST_TIMEOUT} in all (the engine's lock, then the file's) for an application's calls, which then fail as
 * {@linkplain dev.coda.durable.TaskEngineException#unavailable() unavailable}.
 *
 * <h2>Durability</h2>
 * WAL journal. {@code synchronous=NORMAL} by default: a commit (a stored task, a completion) is written
 * to the WAL, that is handed to the operating system, before the call returns, so it <b>survives a crash
 * or {@code kill -9} of the process</b>; the WAL is fsynced at checkpoints, not at each commit, so a
 * <b>power loss or an operating-system crash can lose the last transactions committed before it</b>
 * (tasks acknowledged a moment before disappear; completed tasks may come back as queued or running and
 * run again, which at-least-once delivery allows). The database itself is never corrupted. With
 * {@code synchronous=FULL} ({@code jdbc:sqlite:tasks.db?synchronous=FULL}) every commit is fsynced and
 * survives power loss too, at the cost of one fsync per transaction (a few hundred to a few thousand
 * one-at-a-time enqueues per second, depending on the disk; batches are unaffected).
 *
 * <h2>Claims</h2>
 * {@code BEGIN IMMEDIATE} (the write lock first, so a transaction never has to upgrade a read snapshot and
 * fail with {@code SQLITE_BUSY_SNAPSHOT}), then {@code UPDATE ... WHERE id IN (SELECT ... LIMIT n)
 * RETURNING ...}: one writer at a time, so no row locks are needed.
 */
public final class SqliteTaskEngine extends JdbcTaskEngine {

    /** {@code PRAGMA synchronous} in WAL mode. */
    enum Synchronous {
        NORMAL, FULL;

        static Synchronous parse(String value) {
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("synchronous must be NORMAL or FULL for a durable task engine: " + value, e);
            }
        }
    }

    /** How long workers' calls wait for another process's lock on the file. */
    private static final int BUSY_TIMEOUT_MILLIS = 10_000;
    /** How long a long job waits, between its transactions, for a queued call to take the connection. */
    private static final long LET_IN_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final Path file;
    private final Connection connection;
    private final SQLiteConnection sqlite;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean closed;

    SqliteTaskEngine(Path file, Synchronous synchronous) {
        super(Dialect.SQLITE, "coda_tasks");
        this.file = file.toAbsolutePath();
        try {
            var parent = this.file.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot create the folder of " + this.file + ": " + e, e);
        }
        try {
            connection = DriverManager.getConnection("jdbc:sqlite:" + this.file);
            sqlite = connection.unwrap(SQLiteConnection.class);
        } catch (SQLException e) {
            throw failure("open", e);
        }
        try (var statement = connection.createStatement()) {
            sqlite.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
            try (var rows = statement.executeQuery("PRAGMA journal_mode = WAL")) {
                rows.next();
                if (!"wal".equalsIgnoreCase(rows.getString(1))) {
                    throw new SQLException("could not switch " + this.file + " to WAL mode (it is " + rows.getString(1) + ")");
                }
            }
            statement.execute("PRAGMA synchronous = " + synchronous.name());
            statement.execute("PRAGMA temp_store = MEMORY");
            transaction(c -> {
                try (var create = c.createStatement()) {
                    create.execute("CREATE TABLE IF NOT EXISTS coda_migrations (version INTEGER PRIMARY KEY,"
                            + " description TEXT NOT NULL, applied_at INTEGER NOT NULL)");
                }
                return Migrations.apply(c, "coda_migrations", SqliteTypes.NOW, Migrations.sqlite(), describe());
            });
        } catch (SQLException e) {
            close();
            throw failure("open", e);
        }
    }

    /** The database file. */
    public Path file() {
        return file;
    }

    @Override
    <T> T runTransaction(Wait wait, SqlWork<T> work) throws SQLException {
        lock(wait);
        try {
            open();
            try (var statement = connection.createStatement()) {
                statement.execute("BEGIN IMMEDIATE");
            }
            try {
                T result = work.run(connection);
                try (var statement = connection.createStatement()) {
                    statement.execute("COMMIT");
                }
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                try (var statement = connection.createStatement()) {
                    statement.execute("ROLLBACK");
                } catch (SQLException rollback) {
                    if (rollback.getMessage() == null || !rollback.getMessage().contains("no transaction is active")) {
                        e.addSuppressed(rollback);
                    }
                }
                throw e;
            }
        } finally {
            unlock(wait);
        }
    }

    @Override
    <T> T runStatement(Wait wait, SqlWork<T> work) throws SQLException {
        return runTransaction(wait, work);
    }

    @Override
    <T> T runRead(Wait wait, SqlWork<T> work) throws SQLException {
        lock(wait);
        try {
            open();
            return work.run(connection);
        } finally {
            unlock(wait);
        }
    }

    /**
     * {@inheritDoc} The lock is not fair, so the job would take it again before a woken caller could: it waits until
     * one of those queued has it, 5 ms at most.
     */
    @Override
    void letQueuedCallsIn() {
        int queued = lock.getQueueLength();
        long deadline = System.nanoTime() + LET_IN_NANOS;
        while (queued > 0 && lock.getQueueLength() >= queued && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    /**
     * Takes the connection; for an application's call, within {@link #REQUEST_TIMEOUT}, and with the file's busy
     * timeout cut to what is left of it.
     */
    private void lock(Wait wait) throws SQLException {
        if (wait == Wait.BACKGROUND) {
            lock.lock();
            return;
        }
        long deadline = System.nanoTime() + REQUEST_TIMEOUT.toNanos();
        try {
            if (!lock.tryLock(REQUEST_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new SQLTransientConnectionException("the connection to " + file + " stayed busy for " + REQUEST_TIMEOUT.toMillis()
                        + " ms (another call waits for the file's lock)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for the connection to " + file, e);
        }
        try {
            sqlite.setBusyTimeout((int) Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        } catch (SQLException | RuntimeException e) {
            lock.unlock();
            throw e;
        }
    }

    private void unlock(Wait wait) {
        try {
            if (wait == Wait.REQUEST && !closed) {
                sqlite.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
            }
        } catch (SQLException e) {
            LOG.debug("Could not restore the busy timeout of {}: {}", describe(), e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    private void open() throws SQLException {
        if (closed) {
            throw new SQLException("the task engine is closed");
        }
    }

    @Override
    String describe() {
        return "SQLite " + file;
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            connection.close();
        } catch (SQLException e) {
            LOG.warn("Closing {} failed", describe(), e);
        } finally {
            lock.unlock();
        }
    }
}
