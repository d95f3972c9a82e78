package dev.coda.durable.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import dev.coda.durable.TaskEngine.Completion;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import dev.coda.tasks.internal.SummarizedLog;
import java.time.InstantSource;
import org.postgresql.PGConnection;
import org.slf4j.event.Level;

/**
 * The task engine on PostgreSQL, for any number of machines; its tables in a schema of its own
 * ({@code coda} by default), created and migrated at start under an advisory lock.
 *
 * <h2>Claims</h2>
 * One statement, in autocommit:
 * <pre>{@code
 * UPDATE s.coda_tasks SET state = 'running', attempts = attempts + 1, lease_owner = ?, lease_until = now() + ?ms, ...
 *  WHERE id = ANY(ARRAY(SELECT id FROM s.coda_tasks WHERE state = 'queued' AND queue = ? AND run_at <= now()
 *                       ORDER BY priority DESC, run_at, id LIMIT ? FOR UPDATE SKIP LOCKED))
 *  RETURNING id, name, queue, args, attempts, max_attempts, timeout_ms
 * }</pre>
 * ({@code = ANY(ARRAY(subquery))} is {@code IN (subquery)} evaluated exactly once, whatever plan the
 * planner picks); the subquery walks the partial index {@code (queue, priority DESC, run_at, id) WHERE
 * state = 'queued'} in order and stops after {@code n} rows that no other claimer holds.
 *
 * <h2>Wake-ups</h2>
 * After the engine's own enqueues (and retries, releases) a notifier thread sends {@code pg_notify} in a
 * transaction of its own; a transactional enqueue sends it inside the application's transaction, so that
 * it is delivered at commit. A dedicated connection outside the pool {@code LISTEN}s and wakes
 * {@link #awaitWork}. Notifications are only a hint: workers poll anyway,
 * so a lost notification (listener reconnecting, PgBouncer in transaction mode) delays work by at most a
 * poll interval.
 */
public final class PostgresTaskEngine extends JdbcTaskEngine {

    private static final Pattern SCHEMA = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    private final DataSource dataSource;
    private final HikariDataSource ownPool;
    private final String listenUrl;
    private final String schema;
    private final String channel;
    private final String succeedManySql;
    private final String succeedManyWithoutResultSql;
    private final Object listenerLock = new Object();
    private final ReentrantLock notifierLock = new ReentrantLock();
    private final Condition notifyWanted = notifierLock.newCondition();
    private boolean notifyRequested;
    private Thread notifier;
    private Thread listener;
    private volatile boolean closed;

    private PostgresTaskEngine(DataSource dataSource, HikariDataSource ownPool, String listenUrl, String schema) {
        super(schema + ".coda_tasks");
        this.dataSource = dataSource;
        this.ownPool = ownPool;
        this.listenUrl = listenUrl;
        this.schema = schema;
        var name = "coda_tasks_" + schema;
        this.channel = name.length() <= 63 ? name : "coda_tasks_" + Integer.toHexString(schema.hashCode());
        this.succeedManySql = "UPDATE " + schema + ".coda_tasks AS t SET state = 'succeeded', result = u.result, finished_at = now(),"
                + " lease_owner = NULL, lease_until = NULL FROM unnest(?::text[], ?::text[]) AS u(id, result)"
                + " WHERE t.id = u.id AND t.lease_owner = ? AND t.state = 'running'";
        this.succeedManyWithoutResultSql = "UPDATE " + schema + ".coda_tasks SET state = 'succeeded', result = NULL, finished_at = now(),"
                + " lease_owner = NULL, lease_until = NULL WHERE id = ANY(?) AND lease_owner = ? AND state = 'running'";
        migrate();
    }

    static PostgresTaskEngine withOwnPool(String jdbcUrl, String schema) {
        var checked = checkSchema(schema);
        var config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setPoolName("coda-durable-" + checked);
        config.setMaximumPoolSize(10);
        config.setMinimumIdle(2);
        // a request waits at most this for a connection when the server is down (HikariCP waits its whole timeout)
        config.setConnectionTimeout(REQUEST_TIMEOUT.toMillis());
        config.setValidationTimeout(Math.min(1_000, REQUEST_TIMEOUT.toMillis() / 2));
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new dev.coda.durable.TaskEngineException("could not connect to PostgreSQL at " + redact(jdbcUrl) + ": " + e.getMessage(), e);
        }
        try {
            return new PostgresTaskEngine(pool, pool, jdbcUrl, checked);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    static PostgresTaskEngine onDataSource(DataSource dataSource, String schema) {
        java.util.Objects.requireNonNull(dataSource, "dataSource");
        return new PostgresTaskEngine(dataSource, null, null, checkSchema(schema));
    }

    private static String checkSchema(String schema) {
        if (schema == null || !SCHEMA.matcher(schema).matches()) {
            throw new IllegalArgumentException("a PostgreSQL schema for durable tasks must be a plain identifier "
                    + "(letters, digits, _; at most 63): " + schema);
        }
        return schema.toLowerCase(Locale.ROOT);
    }

    private static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    private void migrate() {
        try {
            transaction(connection -> {
                try (var lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
                    lock.setString(1, "coda-durable:" + schema);
                    lock.execute();
                }
                boolean exists;
                try (var find = connection.prepareStatement("SELECT 1 FROM pg_namespace WHERE nspname = ?")) {
                    find.setString(1, schema);
                    try (var rows = find.executeQuery()) {
                        exists = rows.next();
                    }
                }
                try (var statement = connection.createStatement()) {
                    if (!exists) {
                        statement.execute("CREATE SCHEMA " + schema);
                    }
                    statement.execute("CREATE TABLE IF NOT EXISTS " + schema + ".coda_migrations (version integer PRIMARY KEY,"
                            + " description text NOT NULL, applied_at timestamptz NOT NULL)");
                }
                return Migrations.apply(connection, schema + ".coda_migrations", "now()", Migrations.postgres(schema, channel),
                        describe());
            });
        } catch (SQLException e) {
            throw failure("create or migrate the schema", e);
        }
    }

    /** The schema holding the tables. */
    public String schema() {
        return schema;
    }

    /** The notification channel. */
    String channel() {
        return channel;
    }

    @Override
    String now() {
        return "now()";
    }

    @Override
    String nowPlusMillis() {
        return "(now() + ? * interval '1 millisecond')";
    }

    @Override
    String inList() {
        return "= ANY(?)";
    }

    @Override
    String idIn(String subquery) {
        return "id = ANY(ARRAY(" + subquery + "))";
    }

    @Override
    String lockClause() {
        return " FOR UPDATE SKIP LOCKED";
    }

    @Override
    void bindList(Connection connection, PreparedStatement statement, int index, Collection<String> values) throws SQLException {
        statement.setArray(index, connection.createArrayOf("text", values.toArray(String[]::new)));
    }

    @Override
    void bindTime(PreparedStatement statement, int index, Instant time) throws SQLException {
        if (time == null) {
            statement.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            statement.setObject(index, OffsetDateTime.ofInstant(time, ZoneOffset.UTC));
        }
    }

    @Override
    Instant readTime(ResultSet rows, String column) throws SQLException {
        var time = rows.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }

    @Override
    <T> T runTransaction(Wait wait, SqlWork<T> work) throws SQLException {
        try (var connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            if (autoCommit) {
                connection.setAutoCommit(false);
            }
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                try {
                    connection.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            } finally {
                if (autoCommit) {
                    try {
                        connection.setAutoCommit(true);
                    } catch (SQLException ignored) {
                        // the pool resets or discards it
                    }
                }
            }
        }
    }

    @Override
    <T> T runStatement(Wait wait, SqlWork<T> work) throws SQLException {
        try (var connection = dataSource.getConnection()) {
            if (!connection.getAutoCommit()) {
                // an application pool handing out connections in manual-commit mode
                try {
                    T result = work.run(connection);
                    connection.commit();
                    return result;
                } catch (SQLException | RuntimeException | Error e) {
                    connection.rollback();
                    throw e;
                }
            }
            return work.run(connection);
        }
    }

    @Override
    <T> T runRead(Wait wait, SqlWork<T> work) throws SQLException {
        return runStatement(wait, work);
    }

    /** A server that answers a read is up: what made it unreachable (its process, the network) is gone. */
    @Override
    boolean readsShowAvailability() {
        return true;
    }

    /**
     * Connection exceptions (class {@code 08}: refused, lost, rejected), the server shutting down or starting
     * ({@code 57P01}-{@code 57P03}), insufficient resources ({@code 53}: disk full, out of memory, too many
     * connections), an I/O error ({@code 58030}) and a read-only server ({@code 25006}: a standby, or a primary during
     * a failover). Errors of the SQL itself, constraints and serialisation failures are not.
     */
    @Override
    boolean unreachable(SQLException e) {
        var state = e.getSQLState();
        if (state == null) {
            return false;
        }
        return state.startsWith("08") || state.startsWith("53") || state.equals("57P01") || state.equals("57P02")
                || state.equals("57P03") || state.equals("58030") || state.equals("25006");
    }

    /** Wakes this process's workers, and those of other processes through a notification sent after the commit. */
    @Override
    void stored() {
        super.stored();
        notifyOthers();
    }

    /** The notification goes in the application's transaction: listeners get it when (and if) it commits. */
    @Override
    void storedIn(Connection transaction) throws SQLException {
        try (var notify = transaction.prepareStatement("SELECT pg_notify(?, '')")) {
            notify.setString(1, channel);
            notify.execute();
        }
        super.storedIn(transaction);
    }

    /**
     * Asks the notifier thread to send one {@code pg_notify}; requests made while one is being sent are
     * folded into the next. Sent in a transaction of its own after the tasks' commit, a notification costs
     * the enqueue no time: in the storing transaction, PostgreSQL would hold its global notification lock
     * across the commit's {@code fsync}, serialising every enqueue of every process.
     */
    private void notifyOthers() {
        notifierLock.lock();
        try {
            if (closed) {
                return;
            }
            notifyRequested = true;
            if (notifier == null) {
                notifier = Thread.ofPlatform().daemon().name("coda-durable-notify-" + schema).start(this::sendNotifications);
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
                statement(connection -> {
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
                LOG.debug("Could not notify other processes of new tasks in {}: {}", describe(), e.getMessage());
            }
        }
    }

    /**
     * Successes in at most two statements: those without a result by {@code id = ANY(ids)} (a bitmap scan of
     * the primary key, about half the database's work of a join), those with one joined with their results.
     */
    @Override
    void succeed(Connection connection, String workerId, List<Completion.Succeeded> succeeded) throws SQLException {
        if (succeeded.size() == 1) {
            super.succeed(connection, workerId, succeeded);
            return;
        }
        var withoutResult = new ArrayList<String>(succeeded.size());
        var withResult = new ArrayList<Completion.Succeeded>();
        for (var success : succeeded) {
            if (success.resultJson() == null) {
                withoutResult.add(success.id());
            } else {
                withResult.add(success);
            }
        }
        if (!withoutResult.isEmpty()) {
            try (var statement = connection.prepareStatement(succeedManyWithoutResultSql)) {
                statement.setArray(1, connection.createArrayOf("text", withoutResult.toArray(String[]::new)));
                statement.setString(2, workerId);
                statement.executeUpdate();
            }
        }
        if (!withResult.isEmpty()) {
            var ids = new String[withResult.size()];
            var results = new String[withResult.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = withResult.get(i).id();
                results[i] = withResult.get(i).resultJson();
            }
            try (var statement = connection.prepareStatement(succeedManySql)) {
                statement.setArray(1, connection.createArrayOf("text", ids));
                statement.setArray(2, connection.createArrayOf("text", results));
                statement.setString(3, workerId);
                statement.executeUpdate();
            }
        }
    }

    @Override
    String describe() {
        return "PostgreSQL schema " + schema;
    }

    @Override
    public void awaitWork(Duration timeout) throws InterruptedException {
        startListener();
        super.awaitWork(timeout);
    }

    private void startListener() {
        synchronized (listenerLock) {
            if (listener != null || closed) {
                return;
            }
            listener = Thread.ofPlatform().daemon().name("coda-durable-listen-" + schema).start(this::listen);
        }
    }

    private void listen() {
        long backoff = 100;
        // a server that is down fails every reconnection: one line, then one per interval counting them
        var failures = new SummarizedLog(LOG, Level.WARN, Duration.ofSeconds(10), InstantSource.system());
        boolean failed = false;
        while (!closed) {
            Connection connection = null;
            try {
                connection = listenUrl != null ? DriverManager.getConnection(listenUrl) : dataSource.getConnection();
                if (!connection.getAutoCommit()) {
                    connection.setAutoCommit(true);
                }
                var pg = connection.unwrap(PGConnection.class);
                try (var statement = connection.createStatement()) {
                    statement.execute("LISTEN \"" + channel + "\"");
                }
                backoff = 100;
                if (failed) {
                    failed = false;
                    LOG.info("Listening for new durable tasks on {} again", describe());
                }
                wake(); // whatever was stored while nobody listened
                while (!closed) {
                    var notifications = pg.getNotifications(500);
                    if (notifications != null && notifications.length > 0) {
                        wake();
                    }
                }
            } catch (SQLException e) {
                if (closed) {
                    break;
                }
                failed = true;
                failures.record("Listening for new durable tasks on {} failed ({}); polling until it reconnects", describe(), e.getMessage());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    break;
                }
                backoff = Math.min(backoff * 2, 5_000);
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

    @Override
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
        if (ownPool != null) {
            ownPool.close();
        }
    }
}
