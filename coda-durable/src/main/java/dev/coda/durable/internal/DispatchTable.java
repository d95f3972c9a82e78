package dev.coda.durable.internal;

import dev.coda.durable.TaskEngine.ClaimedTask;
import dev.coda.durable.spi.TaskStore.Ready;
import dev.coda.durable.spi.TaskStore.Start;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The statements a broker's store adds to {@link TaskTable} (see {@link dev.coda.durable.spi.TaskStore}): dispatch
 * marks ({@code dispatch_at}), starting an attempt of one task by id, and which tasks a worker holds. Each is a
 * compare-and-set on the row, as in {@link TaskTable}.
 *
 * <pre>{@code
 * var table = new DispatchTable(Dialect.SQLITE, "coda_tasks");
 * Start start = table.start(connection, id, "worker-1", Duration.ofSeconds(30));
 * }</pre>
 */
final class DispatchTable extends SqlTemplates {

    DispatchTable(Dialect dialect, String table) {
        super(dialect, table);
    }

    private final Sql mark = sql("UPDATE {tasks} SET dispatch_at = {now} WHERE id " + dialect.in(":ids")
            + " RETURNING id, queue, priority, run_at");

    /** Marks tasks for dispatch; returns them (queue, priority, due time). */
    List<Ready> mark(Connection connection, Collection<String> ids) throws SQLException {
        if (ids.isEmpty()) {
            return List.of();
        }
        try (var statement = mark.prepare(connection)) {
            statement.list("ids", ids);
            return readReady(statement);
        }
    }

    private List<Ready> readReady(Sql.Statement statement) throws SQLException {
        var out = new ArrayList<Ready>();
        try (var rows = statement.query()) {
            while (rows.next()) {
                out.add(new Ready(rows.getString("id"), rows.getString("queue"), rows.getInt("priority"),
                        dialect.readTime(rows, "run_at"), true));
            }
        }
        return out;
    }

    private final Sql dispatched = sql("UPDATE {tasks} SET dispatch_at = NULL WHERE id " + dialect.in(":ids") + " AND dispatch_at IS NOT NULL");

    void dispatched(Connection connection, Collection<String> ids) throws SQLException {
        try (var statement = dispatched.prepare(connection)) {
            statement.list("ids", ids);
            statement.update();
        }
    }

    /** Walks the partial index {@code (dispatch_at) WHERE dispatch_at IS NOT NULL}; marks of finished tasks are cleared. */
    private final Sql undispatched = sql("SELECT id, queue, priority, run_at FROM {tasks} WHERE dispatch_at IS NOT NULL"
            + " AND dispatch_at < :before AND state = {queued} ORDER BY dispatch_at LIMIT :limit");
    private final Sql clearStale = sql("UPDATE {tasks} SET dispatch_at = NULL WHERE dispatch_at IS NOT NULL AND dispatch_at < :before"
            + " AND state <> {queued}");

    List<Ready> undispatched(Connection connection, Instant before, int max) throws SQLException {
        try (var statement = clearStale.prepare(connection)) {
            statement.time("before", before);
            statement.update();
        }
        try (var statement = undispatched.prepare(connection)) {
            statement.time("before", before);
            statement.integer("limit", max);
            return readReady(statement);
        }
    }

    private static final String RETURNED = " RETURNING id, name, queue, args, attempts, max_attempts, timeout_ms, context, run_at";
    /** As {@link TaskTable}'s recovery: the last allowed attempt is not counted again (the claimer records "worker lost"). */
    private final Sql recover = sql("UPDATE {tasks} SET lease_owner = :lease_owner, lease_until = " + dialect.nowPlusMillis(":lease_ms")
            + ", started_at = {now}, attempts = CASE WHEN attempts < max_attempts THEN attempts + 1 ELSE attempts END, "
            + AttemptLog.recoverSet(dialect) + " WHERE id = :id AND state = {running} AND lease_until < {now} AND lease_owner = :was"
            + RETURNED);
    private final Sql startQueued = sql("UPDATE {tasks} SET state = {running}, attempts = attempts + 1,"
            + " lease_owner = :lease_owner, lease_until = " + dialect.nowPlusMillis(":lease_ms") + ", started_at = {now}, "
            + AttemptLog.CLAIM_SET + " WHERE id " + dialect.in(":ids") + " AND state = {queued} AND run_at <= {now}" + RETURNED);

    /**
     * Starts the queued, due tasks among {@code ids} in one statement (a claim's common case), by id; the others need
     * {@link #startOther} each. Runs in the caller's transaction.
     */
    Map<String, ClaimedTask> startQueued(Connection connection, Collection<String> ids, String workerId, Duration lease)
            throws SQLException {
        var out = new HashMap<String, ClaimedTask>();
        try (var statement = startQueued.prepare(connection)) {
            statement.string("lease_owner", workerId);
            statement.millis("lease_ms", lease);
            statement.list("ids", ids);
            try (var rows = statement.query()) {
                while (rows.next()) {
                    var task = claimed(rows, rows.getInt("attempts"), null);
                    out.put(task.id(), task);
                }
            }
        }
        return out;
    }

    private final Sql look = sql("SELECT state, queue, priority, run_at, lease_owner, lease_until, attempts FROM {tasks} WHERE id = :id");

    /** Starts an attempt of one task, or says why not; runs in the caller's transaction. */
    Start start(Connection connection, String id, String workerId, Duration lease) throws SQLException {
        var started = startQueued(connection, List.of(id), workerId, lease).get(id);
        return started != null ? new Start.Started(started) : startOther(connection, id, workerId, lease);
    }

    /**
     * For a task that {@link #startQueued} did not start: recovers it from a worker whose lease ended, or says why it
     * does not start (busy, not due, gone); runs in the caller's transaction.
     */
    Start startOther(Connection connection, String id, String workerId, Duration lease) throws SQLException {
        StoredState state;
        String owner;
        int attempts;
        Instant runAt;
        Instant leaseUntil;
        String queue;
        int priority;
        try (var statement = look.prepare(connection)) {
            statement.string("id", id);
            try (var rows = statement.query()) {
                if (!rows.next()) {
                    return new Start.Gone();
                }
                state = StoredState.parse(rows.getString("state"));
                owner = rows.getString("lease_owner");
                attempts = rows.getInt("attempts");
                runAt = dialect.readTime(rows, "run_at");
                leaseUntil = dialect.readTime(rows, "lease_until");
                queue = rows.getString("queue");
                priority = rows.getInt("priority");
            }
        }
        return switch (state) {
            case QUEUED -> new Start.NotDue(runAt, queue, priority);
            case RUNNING -> {
                try (var statement = recover.prepare(connection)) {
                    statement.string("lease_owner", workerId);
                    statement.millis("lease_ms", lease);
                    statement.string("id", id);
                    statement.string("was", owner);
                    try (var rows = statement.query()) {
                        if (rows.next()) {
                            yield new Start.Started(claimed(rows, attempts + 1, owner == null ? "?" : owner));
                        }
                    }
                }
                yield new Start.Busy(leaseUntil);
            }
            case SUCCEEDED, FAILED, CANCELLED -> new Start.Gone();
        };
    }

    private ClaimedTask claimed(ResultSet rows, int attempt, String lostBy) throws SQLException {
        long millis = rows.getLong("timeout_ms");
        var timeout = rows.wasNull() ? null : Duration.ofMillis(millis);
        return new ClaimedTask(rows.getString("id"), rows.getString("name"), rows.getString("queue"), rows.getString("args"),
                attempt, rows.getInt("max_attempts"), lostBy, timeout, ContextColumn.read(rows),
                lostBy == null ? dialect.readTime(rows, "run_at") : null);
    }

    private final Sql held = sql("SELECT id FROM {tasks} WHERE id " + dialect.in(":ids") + " AND lease_owner = :lease_owner"
            + " AND state = {running}");

    /** The ids among {@code ids} whose lease {@code workerId} holds; runs in the caller's transaction. */
    Set<String> held(Connection connection, String workerId, Collection<String> ids) throws SQLException {
        try (var statement = held.prepare(connection)) {
            statement.list("ids", ids);
            statement.string("lease_owner", workerId);
            var out = new HashSet<String>();
            try (var rows = statement.query()) {
                while (rows.next()) {
                    out.add(rows.getString(1));
                }
            }
            return out;
        }
    }
}
