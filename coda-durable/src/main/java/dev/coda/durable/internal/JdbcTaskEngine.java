package dev.coda.durable.internal;

import dev.coda.durable.DurableState;
import dev.coda.durable.DurableTasks;
import dev.coda.durable.TaskEngine;
import dev.coda.durable.TaskEngineException;
import dev.coda.durable.TaskStatus;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task engine on a JDBC database: SQLite (one file, one machine) or PostgreSQL (any number of
 * machines). One table of tasks, {@code coda_tasks}; every state change is a compare-and-set on
 * {@code (id, state, lease_owner)}, so a worker that lost its lease cannot overwrite another's work.
 *
 * <p>States stored: {@code queued} (waiting; {@link DurableState#SCHEDULED} while {@code run_at} is in the
 * future), {@code running} (claimed, {@code lease_owner} and {@code lease_until} set), {@code succeeded},
 * {@code failed}, {@code cancelled}. A running task whose lease ended is claimable again by another worker
 * (its previous attempt counted); if that was its last allowed attempt it is handed out "exhausted" so
 * that the claiming worker records it as failed ("worker lost") instead of running it again.
 *
 * <p>Times are taken from the database's clock ({@code now()} on PostgreSQL), so that machines with
 * skewed clocks do not steal each other's leases. The only application times stored are {@code run_at}
 * of delayed tasks and of retries.
 *
 * <h2>A database that cannot be reached</h2>
 * Failures that mean "the database cannot be reached now" ({@link #isUnavailable}: connection refused or lost, a
 * pool's timeout, a file locked by another process beyond the timeout, a full disk...) are thrown as
 * {@linkplain TaskEngineException#unavailable() unavailable}, with a {@link #RETRY_AFTER}; any other failure (SQL
 * the database rejects, a constraint, a closed engine) is a bug to look into. After an unavailable failure the
 * engine refuses every call at once for {@link #UNAVAILABLE_WINDOW}, then lets one call at a time try
 * ({@link EngineHealth}): a request waits for a timeout at most once per window, not each one. The calls of
 * applications ({@link Wait#REQUEST}: enqueue, status, administration) wait at most {@link #REQUEST_TIMEOUT} for the
 * database; workers' calls ({@link Wait#BACKGROUND}) may wait longer, since nobody waits for their answer.
 */
public abstract sealed class JdbcTaskEngine implements TaskEngine permits SqliteTaskEngine, PostgresTaskEngine {

    static final Logger LOG = LoggerFactory.getLogger("dev.coda.durable");

    static final String URL_VARIABLE = "CODA_TASKS_URL";
    static final String DEFAULT_SQLITE_FILE = "coda-tasks.db";

    /** How long every call is refused at once after one found the database unreachable; then one call tries it. */
    static final Duration UNAVAILABLE_WINDOW = Duration.ofSeconds(1);
    /** When callers refused because the database is unreachable may try again (a client's {@code Retry-After}). */
    static final Duration RETRY_AFTER = Duration.ofSeconds(5);
    /** How long a call of an application may wait for the database: a connection, a lock. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);

    /** Who waits for a call's answer, and so how long it may wait for the database. */
    enum Wait {
        /** An application (a request, an administrator): at most {@link #REQUEST_TIMEOUT}. */
        REQUEST,
        /** A worker, or the engine itself: as long as the engine's own timeouts allow. */
        BACKGROUND
    }

    /** How often a claim also looks for expired leases, per queue. */
    private static final long RECOVERY_CHECK_NANOS = Duration.ofMillis(250).toNanos();

    static final String COLUMNS = "id, name, queue, priority, args, state, attempts, max_attempts, run_at, unique_key, "
            + "created_at, timeout_ms";

    private final EngineHealth health = new EngineHealth(LOG, this::describe, UNAVAILABLE_WINDOW, InstantSource.system());
    private final WakeUp wakeUp = new WakeUp();
    private final GroupCommit groupCommit = new GroupCommit(this::storeGroup);
    private final ThreadLocal<Long> seenGeneration = new ThreadLocal<>();
    private final Map<String, Long> lastRecoveryCheck = new ConcurrentHashMap<>();
    private final AtomicInteger rotation = new AtomicInteger();

    // SQL, built once from the dialect's fragments
    private final String insertSql;
    private final String insertUniqueSql;
    private final String findLiveSql;
    private final String claimSql;
    private final String expiredSql;
    private final String recoverSql;
    private final String extendSql;
    private final String succeedSql;
    private final String retrySql;
    private final String failSql;
    private final String releaseSql;
    private final String statusSql;
    private final String countsSql;
    private final String requeueSql;
    private final String cancelSql;
    private final String purgeSql;

    JdbcTaskEngine(String table) {
        var t = table;
        var now = now();
        var later = nowPlusMillis();
        insertSql = "INSERT INTO " + t + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, 'queued', 0, ?, COALESCE(?, " + now + "), ?, "
                + now + ", ?)";
        insertUniqueSql = insertSql + " ON CONFLICT (unique_key) WHERE unique_key IS NOT NULL AND state IN ('queued', 'running')"
                + " DO NOTHING";
        findLiveSql = "SELECT id FROM " + t + " WHERE unique_key = ? AND state IN ('queued', 'running')";
        claimSql = "UPDATE " + t + " SET state = 'running', attempts = attempts + 1, lease_owner = ?, lease_until = " + later
                + ", started_at = " + now + " WHERE " + idIn("SELECT id FROM " + t + " WHERE state = 'queued' AND queue = ? AND run_at <= "
                + now + " ORDER BY priority DESC, run_at, id LIMIT ?" + lockClause())
                + " RETURNING id, name, queue, args, attempts, max_attempts, timeout_ms";
        expiredSql = "SELECT id, lease_owner, attempts FROM " + t + " WHERE state = 'running' AND lease_until < " + now
                + " AND queue = ? ORDER BY lease_until LIMIT ?" + lockClause();
        recoverSql = "UPDATE " + t + " SET lease_owner = ?, lease_until = " + later + ", started_at = " + now
                + ", attempts = CASE WHEN attempts < max_attempts THEN attempts + 1 ELSE attempts END"
                + " WHERE id " + inList() + " AND state = 'running' RETURNING id, name, queue, args, max_attempts, timeout_ms";
        extendSql = "UPDATE " + t + " SET lease_until = " + later + " WHERE id " + inList()
                + " AND lease_owner = ? AND state = 'running' RETURNING id";
        var guard = " WHERE id = ? AND lease_owner = ? AND state = 'running'";
        succeedSql = "UPDATE " + t + " SET state = 'succeeded', result = ?, finished_at = " + now
                + ", lease_owner = NULL, lease_until = NULL" + guard;
        retrySql = "UPDATE " + t + " SET state = 'queued', run_at = ?, last_error = ?, lease_owner = NULL, lease_until = NULL" + guard;
        failSql = "UPDATE " + t + " SET state = 'failed', last_error = ?, finished_at = " + now
                + ", lease_owner = NULL, lease_until = NULL" + guard;
        releaseSql = "UPDATE " + t + " SET state = 'queued', attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END,"
                + " lease_owner = NULL, lease_until = NULL WHERE id " + inList() + " AND lease_owner = ? AND state = 'running'";
        statusSql = "SELECT id, name, queue, state, attempts, max_attempts, args, created_at, run_at, started_at, finished_at,"
                + " last_error, result, timeout_ms FROM " + t + " WHERE id = ?";
        countsSql = "SELECT queue, state, CASE WHEN state = 'queued' AND run_at > " + now + " THEN 1 ELSE 0 END AS later, count(*)"
                + " FROM " + t + " GROUP BY queue, state, later";
        requeueSql = "UPDATE " + t + " AS t SET state = 'queued', attempts = 0, run_at = " + now + ", finished_at = NULL,"
                + " result = NULL, lease_owner = NULL, lease_until = NULL WHERE t.id = ? AND t.state IN ('failed', 'cancelled')"
                + " AND (t.unique_key IS NULL OR NOT EXISTS (SELECT 1 FROM " + t + " AS o WHERE o.unique_key = t.unique_key"
                + " AND o.state IN ('queued', 'running')))";
        cancelSql = "UPDATE " + t + " SET state = 'cancelled', finished_at = " + now + ", lease_owner = NULL, lease_until = NULL"
                + " WHERE id = ? AND state = 'queued'";
        purgeSql = "DELETE FROM " + t + " WHERE state IN ('succeeded', 'cancelled') AND finished_at < ?";
    }

    // ---------------------------------------------------------------- factories

    /** An engine on a SQLite file, {@code synchronous=NORMAL} (see {@link SqliteTaskEngine} for the durability trade-off). */
    public static TaskEngine sqlite(Path file) {
        return new SqliteTaskEngine(file, SqliteTaskEngine.Synchronous.NORMAL);
    }

    /** An engine on a SQLite file with the given {@code PRAGMA synchronous} ({@code NORMAL} or {@code FULL}). */
    public static TaskEngine sqlite(Path file, String synchronous) {
        return new SqliteTaskEngine(file, SqliteTaskEngine.Synchronous.parse(synchronous));
    }

    /** An engine on PostgreSQL with its own HikariCP pool. */
    public static TaskEngine postgres(String jdbcUrl, String schema) {
        return PostgresTaskEngine.withOwnPool(jdbcUrl, schema);
    }

    /** An engine on PostgreSQL through the application's pool. */
    public static TaskEngine postgres(DataSource dataSource, String schema) {
        return PostgresTaskEngine.onDataSource(dataSource, schema);
    }

    /**
     * {@code jdbc:sqlite:<file>[?synchronous=NORMAL|FULL]} or {@code jdbc:postgresql://...} (the schema from a
     * {@code currentSchema} parameter, else {@code coda}).
     */
    public static TaskEngine fromUrl(String url) {
        Objects.requireNonNull(url, "url");
        if (url.startsWith("jdbc:sqlite:")) {
            var rest = url.substring("jdbc:sqlite:".length());
            var params = new HashMap<String, String>();
            int q = rest.indexOf('?');
            if (q >= 0) {
                params.putAll(query(rest.substring(q + 1)));
                rest = rest.substring(0, q);
            }
            if (rest.startsWith("file:")) {
                rest = rest.substring("file:".length());
            }
            if (rest.isBlank() || rest.equals(":memory:")) {
                throw new IllegalArgumentException("a durable SQLite engine needs a file: " + url);
            }
            for (var key : params.keySet()) {
                if (!key.equals("synchronous")) {
                    throw new IllegalArgumentException("unknown parameter '" + key + "' in " + url + " (only synchronous)");
                }
            }
            return new SqliteTaskEngine(Path.of(rest), SqliteTaskEngine.Synchronous.parse(params.getOrDefault("synchronous", "NORMAL")));
        }
        if (url.startsWith("jdbc:postgresql:")) {
            int q = url.indexOf('?');
            var schema = q < 0 ? null : query(url.substring(q + 1)).get("currentSchema");
            if (schema != null && schema.contains(",")) {
                schema = schema.substring(0, schema.indexOf(',')).trim();
            }
            return PostgresTaskEngine.withOwnPool(url, schema == null || schema.isBlank() ? "coda" : schema);
        }
        throw new IllegalArgumentException("not a SQLite or PostgreSQL JDBC URL: " + url
                + " (expected jdbc:sqlite:<file> or jdbc:postgresql://host/db)");
    }

    /**
     * {@link TaskEngine#fromEnvironment()} with the environment and working directory given: {@code CODA_TASKS_URL}
     * of {@code environment} if it is set and not blank, else SQLite on {@code coda-tasks.db} in {@code workingDirectory}.
     */
    public static TaskEngine fromEnvironment(Map<String, String> environment, Path workingDirectory) {
        var url = environment.get(URL_VARIABLE);
        if (url != null && !url.isBlank()) {
            return fromUrl(url.strip());
        }
        return sqlite(workingDirectory.resolve(DEFAULT_SQLITE_FILE));
    }

    private static Map<String, String> query(String query) {
        var out = new LinkedHashMap<String, String>();
        for (var pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            var key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            var value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(key, value);
        }
        return out;
    }

    // ---------------------------------------------------------------- dialect

    /** The database's current time, in SQL. */
    abstract String now();

    /** The database's current time plus a bound number of milliseconds (one {@code ?}), in SQL. */
    abstract String nowPlusMillis();

    /** A membership test against one bound list of strings ({@code ?}), e.g. {@code = ANY(?)}. */
    abstract String inList();

    /** {@code id} in the ids a subquery selects, evaluated once. */
    abstract String idIn(String subquery);

    /** The row-locking clause of claim subqueries ({@code FOR UPDATE SKIP LOCKED}), or nothing. */
    abstract String lockClause();

    abstract void bindList(Connection connection, PreparedStatement statement, int index, Collection<String> values)
            throws SQLException;

    abstract void bindTime(PreparedStatement statement, int index, Instant time) throws SQLException;

    abstract Instant readTime(ResultSet rows, String column) throws SQLException;

    /** Runs {@code work} (several statements) in one write transaction, committed when it returns. */
    abstract <T> T runTransaction(Wait wait, SqlWork<T> work) throws SQLException;

    /** Runs one writing statement, atomic by itself (PostgreSQL runs it in autocommit, saving a round trip). */
    abstract <T> T runStatement(Wait wait, SqlWork<T> work) throws SQLException;

    /** Runs reads. */
    abstract <T> T runRead(Wait wait, SqlWork<T> work) throws SQLException;

    /** Whether the dialect's error means that the database cannot be reached now (see {@link #isUnavailable}). */
    abstract boolean unreachable(SQLException e);

    /** {@link #runTransaction}, refused at once while the database is known to be unreachable. */
    final <T> T transaction(Wait wait, SqlWork<T> work) throws SQLException {
        return health.call(() -> runTransaction(wait, work), this::isUnavailable);
    }

    /** A transaction of a worker or of the engine itself. */
    final <T> T transaction(SqlWork<T> work) throws SQLException {
        return transaction(Wait.BACKGROUND, work);
    }

    /** {@link #runStatement}, refused at once while the database is known to be unreachable. */
    final <T> T statement(Wait wait, SqlWork<T> work) throws SQLException {
        return health.call(() -> runStatement(wait, work), this::isUnavailable);
    }

    /** A statement of a worker or of the engine itself. */
    final <T> T statement(SqlWork<T> work) throws SQLException {
        return statement(Wait.BACKGROUND, work);
    }

    /** {@link #runRead}, refused at once while the database is known to be unreachable. */
    final <T> T read(Wait wait, SqlWork<T> work) throws SQLException {
        return health.call(() -> runRead(wait, work), this::isUnavailable, readsShowAvailability());
    }

    /** Whether a read that succeeds shows that the database is available again, writes included. */
    abstract boolean readsShowAvailability();

    /**
     * Whether a failure means that the database cannot be reached now, rather than a bug: a pool's or lock's timeout
     * ({@link SQLTransientConnectionException}, also thrown while the engine refuses calls), or what the dialect
     * says ({@link #unreachable}), anywhere in the chain of causes.
     */
    public final boolean isUnavailable(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException sql && (unreachable(sql) || sql.getNextException() != null && unreachable(sql.getNextException()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs an application's {@code work} in one transaction on the engine's database, with the engine's connection
     * (its pool on PostgreSQL, its one connection on SQLite): committed when it returns, rolled back if it throws.
     * The work must not commit, roll back or close the connection.
     *
     * @throws TaskEngineException {@linkplain TaskEngineException#unavailable() unavailable} if the database cannot be
     *     reached; other failures as {@code work} threw them
     */
    public <T> T applicationTransaction(DurableTasks.JdbcWork<T> work) throws SQLException {
        try {
            return transaction(Wait.REQUEST, work::run);
        } catch (SQLException e) {
            if (isUnavailable(e)) {
                throw failure("run a transaction of the application", e);
            }
            throw e;
        }
    }

    /** Describes the engine in messages: {@code SQLite tasks.db}, {@code PostgreSQL schema coda}. */
    abstract String describe();

    /** Called after tasks were stored by this engine. */
    void stored() {
        wakeUp.signal();
    }

    /**
     * Called after tasks were stored in an application's transaction, which may still roll back: wakes this
     * process's workers (a wake-up is only a hint).
     */
    void storedIn(Connection transaction) throws SQLException {
        wakeUp.signal();
    }

    @FunctionalInterface
    interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    // ---------------------------------------------------------------- enqueue

    @Override
    public List<String> enqueue(List<NewTask> tasks) {
        if (tasks.isEmpty()) {
            return List.of();
        }
        tasks.forEach(JdbcTaskEngine::check);
        return groupCommit.store(tasks);
    }

    /**
     * Stores the tasks of several concurrent {@link #enqueue} calls in one transaction (see {@link GroupCommit});
     * if that transaction fails, each call is stored in a transaction of its own, so that one call's failure is
     * not another's.
     */
    private void storeGroup(List<GroupCommit.Pending> group) {
        if (group.size() > 1) {
            try {
                var ids = transaction(Wait.REQUEST, connection -> {
                    var out = new ArrayList<List<String>>(group.size());
                    var all = new ArrayList<NewTask>();
                    group.forEach(pending -> all.addAll(pending.tasks()));
                    var stored = insert(connection, all);
                    int from = 0;
                    for (var pending : group) {
                        out.add(List.copyOf(stored.subList(from, from + pending.tasks().size())));
                        from += pending.tasks().size();
                    }
                    return out;
                });
                for (int i = 0; i < group.size(); i++) {
                    group.get(i).succeed(ids.get(i));
                }
                stored();
                return;
            } catch (SQLException | RuntimeException e) {
                LOG.debug("Storing {} enqueue calls together failed ({}); storing them one by one", group.size(), e.getMessage());
            }
        }
        boolean any = false;
        for (var pending : group) {
            var tasks = pending.tasks();
            try {
                // one task without a unique key is one INSERT: atomic by itself, no transaction of its own needed
                var ids = tasks.size() == 1 && tasks.get(0).uniqueKey() == null
                        ? statement(Wait.REQUEST, connection -> insert(connection, tasks))
                        : transaction(Wait.REQUEST, connection -> insert(connection, tasks));
                pending.succeed(ids);
                any = true;
            } catch (SQLException e) {
                pending.fail(failure("store " + tasks.size() + " task(s)", e));
            } catch (RuntimeException e) {
                pending.fail(e);
            }
        }
        if (any) {
            stored();
        }
    }

    /**
     * Stores tasks with the caller's connection, inside the caller's transaction: they exist iff the caller
     * commits. Neither commits nor closes the connection.
     */
    public List<String> enqueue(Connection transaction, List<NewTask> tasks) throws SQLException {
        tasks.forEach(JdbcTaskEngine::check);
        var ids = insert(transaction, tasks);
        storedIn(transaction);
        return ids;
    }

    private static void check(NewTask task) {
        Objects.requireNonNull(task.name(), "name");
        Objects.requireNonNull(task.argumentsJson(), "argumentsJson");
        if (task.queue() == null || task.queue().isBlank()) {
            throw new IllegalArgumentException("a task needs a queue: " + task);
        }
        if (task.maxAttempts() < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + task);
        }
    }

    private List<String> insert(Connection connection, List<NewTask> tasks) throws SQLException {
        var ids = new ArrayList<String>(tasks.size());
        try (var plain = connection.prepareStatement(insertSql)) {
            int batched = 0;
            for (var task : tasks) {
                if (task.uniqueKey() != null) {
                    ids.add(insertUnique(connection, task));
                    continue;
                }
                var id = task.id() != null ? task.id() : Ids.next();
                bindInsert(plain, id, task);
                if (tasks.size() == 1) {
                    plain.executeUpdate();
                } else {
                    plain.addBatch();
                    batched++;
                }
                ids.add(id);
            }
            if (batched > 0) {
                plain.executeBatch();
            }
        }
        return ids;
    }

    private void bindInsert(PreparedStatement statement, String id, NewTask task) throws SQLException {
        statement.setString(1, id);
        statement.setString(2, task.name());
        statement.setString(3, task.queue());
        statement.setInt(4, task.priority());
        statement.setString(5, task.argumentsJson());
        statement.setInt(6, task.maxAttempts());
        bindTime(statement, 7, task.runAt());
        statement.setString(8, task.uniqueKey());
        if (task.timeout() == null) {
            statement.setNull(9, Types.BIGINT);
        } else {
            statement.setLong(9, task.timeout().toMillis());
        }
    }

    private static Duration readTimeout(ResultSet rows, String column) throws SQLException {
        long millis = rows.getLong(column);
        return rows.wasNull() ? null : Duration.ofMillis(millis);
    }

    /** Inserts unless a live task holds the key; returns the new id or the live task's. */
    private String insertUnique(Connection connection, NewTask task) throws SQLException {
        for (int attempt = 0; attempt < 10; attempt++) {
            var id = attempt == 0 && task.id() != null ? task.id() : Ids.next();
            try (var insert = connection.prepareStatement(insertUniqueSql)) {
                bindInsert(insert, id, task);
                if (insert.executeUpdate() == 1) {
                    return id;
                }
            }
            try (var find = connection.prepareStatement(findLiveSql)) {
                find.setString(1, task.uniqueKey());
                try (var rows = find.executeQuery()) {
                    if (rows.next()) {
                        return rows.getString(1);
                    }
                }
            }
            // the live task finished between the two statements: insert again
        }
        throw new SQLException("could not store a task with unique key " + task.uniqueKey() + ": it kept changing state");
    }

    // ---------------------------------------------------------------- status

    @Override
    public Optional<TaskStatus> status(String id) {
        try {
            return read(Wait.REQUEST, connection -> {
                try (var statement = connection.prepareStatement(statusSql)) {
                    statement.setString(1, id);
                    try (var rows = statement.executeQuery()) {
                        if (!rows.next()) {
                            return Optional.<TaskStatus>empty();
                        }
                        var runAt = readTime(rows, "run_at");
                        return Optional.of(new TaskStatus(rows.getString("id"), rows.getString("name"), rows.getString("queue"),
                                state(rows.getString("state"), runAt), rows.getInt("attempts"), rows.getInt("max_attempts"),
                                rows.getString("args"), readTime(rows, "created_at"), runAt, readTime(rows, "started_at"),
                                readTime(rows, "finished_at"), rows.getString("last_error"), rows.getString("result"),
                                readTimeout(rows, "timeout_ms")));
                    }
                }
            });
        } catch (SQLException e) {
            throw failure("read the status of task " + id, e);
        }
    }

    private static DurableState state(String stored, Instant runAt) {
        return switch (stored) {
            case "queued" -> runAt != null && runAt.isAfter(Instant.now()) ? DurableState.SCHEDULED : DurableState.QUEUED;
            case "running" -> DurableState.RUNNING;
            case "succeeded" -> DurableState.SUCCEEDED;
            case "failed" -> DurableState.FAILED;
            case "cancelled" -> DurableState.CANCELLED;
            default -> throw new IllegalStateException("unknown stored task state: " + stored);
        };
    }

    @Override
    public Map<String, Map<DurableState, Long>> counts() {
        try {
            return read(Wait.REQUEST, connection -> {
                var out = new TreeMap<String, Map<DurableState, Long>>();
                try (var statement = connection.prepareStatement(countsSql); var rows = statement.executeQuery()) {
                    while (rows.next()) {
                        var byState = out.computeIfAbsent(rows.getString(1), q -> {
                            var m = new EnumMap<DurableState, Long>(DurableState.class);
                            for (var s : DurableState.values()) {
                                m.put(s, 0L);
                            }
                            return m;
                        });
                        var stored = rows.getString(2);
                        var state = stored.equals("queued") && rows.getInt(3) == 1 ? DurableState.SCHEDULED : state(stored, null);
                        byState.merge(state, rows.getLong(4), Long::sum);
                    }
                }
                return out;
            });
        } catch (SQLException e) {
            throw failure("count tasks", e);
        }
    }

    @Override
    public boolean retry(String id) {
        try {
            boolean done = statement(Wait.REQUEST, connection -> {
                try (var statement = connection.prepareStatement(requeueSql)) {
                    statement.setString(1, id);
                    return statement.executeUpdate() == 1;
                }
            });
            if (done) {
                requeued();
            }
            return done;
        } catch (SQLException e) {
            if (isUniqueViolation(e)) {
                return false;
            }
            throw failure("retry task " + id, e);
        }
    }

    /** Called after tasks were put back in the queue (retry, release). */
    void requeued() {
        stored();
    }

    boolean isUniqueViolation(SQLException e) {
        return "23505".equals(e.getSQLState());
    }

    @Override
    public boolean cancel(String id) {
        try {
            return statement(Wait.REQUEST, connection -> {
                try (var statement = connection.prepareStatement(cancelSql)) {
                    statement.setString(1, id);
                    return statement.executeUpdate() == 1;
                }
            });
        } catch (SQLException e) {
            throw failure("cancel task " + id, e);
        }
    }

    /**
     * Deletes succeeded and cancelled tasks that finished before {@code finishedBefore} (failed tasks stay
     * until retried); returns how many. Finished rows are never read by claims, but they grow the table.
     */
    public int purge(Instant finishedBefore) {
        try {
            return statement(Wait.REQUEST, connection -> {
                try (var statement = connection.prepareStatement(purgeSql)) {
                    bindTime(statement, 1, finishedBefore);
                    return statement.executeUpdate();
                }
            });
        } catch (SQLException e) {
            throw failure("purge finished tasks", e);
        }
    }

    // ---------------------------------------------------------------- claims

    @Override
    public List<ClaimedTask> claim(String workerId, Collection<String> queues, int max, Duration lease) {
        seenGeneration.set(wakeUp.generation());
        if (max <= 0 || queues.isEmpty()) {
            return List.of();
        }
        var order = new ArrayList<>(queues);
        if (order.size() > 1) {
            java.util.Collections.rotate(order, rotation.getAndIncrement() % order.size());
        }
        var out = new ArrayList<ClaimedTask>();
        try {
            for (var queue : order) {
                int room = max - out.size();
                if (room <= 0) {
                    break;
                }
                if (recoveryDue(queue)) {
                    var recovered = recover(workerId, queue, room, lease);
                    out.addAll(recovered);
                    if (recovered.size() == room) {
                        lastRecoveryCheck.remove(queue); // there may be more: look again next time
                    }
                    room = max - out.size();
                    if (room <= 0) {
                        break;
                    }
                }
                out.addAll(claimFresh(workerId, queue, room, lease));
            }
            return out;
        } catch (SQLException e) {
            throw failure("claim tasks of " + queues, e);
        }
    }

    private boolean recoveryDue(String queue) {
        long now = System.nanoTime();
        var last = lastRecoveryCheck.get(queue);
        if (last != null && now - last < RECOVERY_CHECK_NANOS) {
            return false;
        }
        lastRecoveryCheck.put(queue, now);
        return true;
    }

    private List<ClaimedTask> claimFresh(String workerId, String queue, int max, Duration lease) throws SQLException {
        return statement(connection -> {
            try (var statement = connection.prepareStatement(claimSql)) {
                statement.setString(1, workerId);
                statement.setLong(2, lease.toMillis());
                statement.setString(3, queue);
                statement.setInt(4, max);
                var out = new ArrayList<ClaimedTask>(max);
                try (var rows = statement.executeQuery()) {
                    while (rows.next()) {
                        out.add(new ClaimedTask(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4),
                                rows.getInt(5), rows.getInt(6), null, readTimeout(rows, "timeout_ms")));
                    }
                }
                return out;
            }
        });
    }

    /** Takes over running tasks of {@code queue} whose lease ended. */
    private List<ClaimedTask> recover(String workerId, String queue, int max, Duration lease) throws SQLException {
        return transaction(connection -> {
            record Lost(String owner, int attempts) {
            }
            var lost = new LinkedHashMap<String, Lost>();
            try (var statement = connection.prepareStatement(expiredSql)) {
                statement.setString(1, queue);
                statement.setInt(2, max);
                try (var rows = statement.executeQuery()) {
                    while (rows.next()) {
                        lost.put(rows.getString(1), new Lost(rows.getString(2), rows.getInt(3)));
                    }
                }
            }
            if (lost.isEmpty()) {
                return List.of();
            }
            var out = new ArrayList<ClaimedTask>(lost.size());
            try (var statement = connection.prepareStatement(recoverSql)) {
                statement.setString(1, workerId);
                statement.setLong(2, lease.toMillis());
                bindList(connection, statement, 3, lost.keySet());
                try (var rows = statement.executeQuery()) {
                    while (rows.next()) {
                        var was = lost.get(rows.getString(1));
                        out.add(new ClaimedTask(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4),
                                was.attempts() + 1, rows.getInt(5), was.owner() == null ? "?" : was.owner(),
                                readTimeout(rows, "timeout_ms")));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public List<String> extend(String workerId, Collection<String> ids, Duration lease) {
        if (ids.isEmpty()) {
            return List.of();
        }
        try {
            return statement(connection -> {
                try (var statement = connection.prepareStatement(extendSql)) {
                    statement.setLong(1, lease.toMillis());
                    bindList(connection, statement, 2, ids);
                    statement.setString(3, workerId);
                    var held = new ArrayList<String>(ids.size());
                    try (var rows = statement.executeQuery()) {
                        while (rows.next()) {
                            held.add(rows.getString(1));
                        }
                    }
                    return held;
                }
            });
        } catch (SQLException e) {
            throw failure("extend the leases of " + ids.size() + " task(s)", e);
        }
    }

    @Override
    public void complete(String workerId, List<Completion> completions) {
        if (completions.isEmpty()) {
            return;
        }
        var succeeded = new ArrayList<Completion.Succeeded>(completions.size());
        var others = new ArrayList<Completion>();
        for (var completion : completions) {
            if (completion instanceof Completion.Succeeded s) {
                succeeded.add(s);
            } else {
                others.add(completion);
            }
        }
        try {
            if (others.isEmpty()) {
                statement(connection -> {
                    succeed(connection, workerId, succeeded);
                    return null;
                });
                return;
            }
            transaction(connection -> {
                if (!succeeded.isEmpty()) {
                    succeed(connection, workerId, succeeded);
                }
                PreparedStatement retry = null;
                PreparedStatement fail = null;
                try {
                    for (var completion : others) {
                        switch (completion) {
                            case Completion.Retry r -> {
                                if (retry == null) {
                                    retry = connection.prepareStatement(retrySql);
                                }
                                bindTime(retry, 1, r.retryAt());
                                retry.setString(2, r.error());
                                retry.setString(3, r.id());
                                retry.setString(4, workerId);
                                retry.addBatch();
                            }
                            case Completion.Failed f -> {
                                if (fail == null) {
                                    fail = connection.prepareStatement(failSql);
                                }
                                fail.setString(1, f.error());
                                fail.setString(2, f.id());
                                fail.setString(3, workerId);
                                fail.addBatch();
                            }
                            case Completion.Succeeded ignored -> throw new AssertionError();
                        }
                    }
                    if (retry != null) {
                        retry.executeBatch();
                    }
                    if (fail != null) {
                        fail.executeBatch();
                    }
                } finally {
                    if (retry != null) {
                        retry.close();
                    }
                    if (fail != null) {
                        fail.close();
                    }
                }
                return null;
            });
        } catch (SQLException e) {
            throw failure("record " + completions.size() + " completion(s)", e);
        }
    }

    /** Records successes of tasks {@code workerId} holds (one statement per task; PostgreSQL does them in one). */
    void succeed(Connection connection, String workerId, List<Completion.Succeeded> succeeded) throws SQLException {
        try (var statement = connection.prepareStatement(succeedSql)) {
            for (var s : succeeded) {
                statement.setString(1, s.resultJson());
                statement.setString(2, s.id());
                statement.setString(3, workerId);
                if (succeeded.size() == 1) {
                    statement.executeUpdate();
                } else {
                    statement.addBatch();
                }
            }
            if (succeeded.size() > 1) {
                statement.executeBatch();
            }
        }
    }

    @Override
    public void release(String workerId, Collection<String> ids) {
        if (ids.isEmpty()) {
            return;
        }
        try {
            statement(connection -> {
                try (var statement = connection.prepareStatement(releaseSql)) {
                    bindList(connection, statement, 1, ids);
                    statement.setString(2, workerId);
                    return statement.executeUpdate();
                }
            });
            requeued();
        } catch (SQLException e) {
            throw failure("release " + ids.size() + " task(s)", e);
        }
    }

    @Override
    public void awaitWork(Duration timeout) throws InterruptedException {
        var seen = seenGeneration.get();
        wakeUp.awaitPast(seen == null ? wakeUp.generation() : seen, timeout);
        seenGeneration.set(wakeUp.generation());
    }

    /** Wakes every {@link #awaitWork} caller (a notification from another process). */
    void wake() {
        wakeUp.signal();
    }

    /** The engine's exception for a failed call: {@linkplain TaskEngineException#unavailable() unavailable} when it is. */
    TaskEngineException failure(String what, SQLException e) {
        if (isUnavailable(e)) {
            return new TaskEngineException("could not " + what + " (" + describe() + "): " + EngineHealth.rootMessage(e), e, RETRY_AFTER);
        }
        return new TaskEngineException("could not " + what + " (" + describe() + "): " + e.getMessage(), e);
    }

    @Override
    public String toString() {
        return "TaskEngine[" + describe() + "]";
    }
}
