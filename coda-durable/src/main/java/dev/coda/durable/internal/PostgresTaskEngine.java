package dev.coda.durable.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.sql.DataSource;

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
 * Between processes through {@code pg_notify} and {@code LISTEN}: see {@link PostgresWakeUps}.
 */
public final class PostgresTaskEngine extends JdbcTaskEngine {

    private static final Pattern SCHEMA = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    private final DataSource dataSource;
    private final HikariDataSource ownPool;
    private final String listenUrl;
    private final String schema;
    private final String channel;
    private final PostgresWakeUps wakeUps;

    private PostgresTaskEngine(DataSource dataSource, HikariDataSource ownPool, String listenUrl, String schema) {
        super(Dialect.POSTGRESQL, schema + ".coda_tasks");
        this.dataSource = dataSource;
        this.ownPool = ownPool;
        this.listenUrl = listenUrl;
        this.schema = schema;
        var name = "coda_tasks_" + schema;
        this.channel = name.length() <= 63 ? name : "coda_tasks_" + Integer.toHexString(schema.hashCode());
        this.wakeUps = new PostgresWakeUps(this, channel);
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

    /** A connection for {@code LISTEN}: outside the engine's own pool, else from the application's. */
    Connection listenConnection() throws SQLException {
        return listenUrl != null ? DriverManager.getConnection(listenUrl) : dataSource.getConnection();
    }

    /** The notification channel. */
    String channel() {
        return channel;
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

    /** Wakes this process's workers, and those of other processes through a notification sent after the commit. */
    @Override
    void stored() {
        super.stored();
        wakeUps.notifyOthers();
    }

    /** The notification goes in the application's transaction: listeners get it when (and if) it commits. */
    @Override
    void storedIn(Connection transaction) throws SQLException {
        wakeUps.notifyIn(transaction);
        super.storedIn(transaction);
    }

    @Override
    String describe() {
        return "PostgreSQL schema " + schema;
    }

    @Override
    public void awaitWork(Duration timeout) throws InterruptedException {
        wakeUps.startListener();
        super.awaitWork(timeout);
    }

    @Override
    public void close() {
        wakeUps.close();
        if (ownPool != null) {
            ownPool.close();
        }
    }
}
