package dev.coda.durable.internal;

import dev.coda.tasks.internal.TaskIds;
import dev.coda.durable.DurableState;
import dev.coda.durable.TaskEngine.ClaimedTask;
import dev.coda.durable.TaskEngine.Completion;
import dev.coda.durable.TaskEngine.NewTask;
import dev.coda.durable.TaskStatus;
import dev.coda.durable.spi.TaskAdmin.RetryOutcome;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every statement on {@code coda_tasks}, each written next to its bindings: one method an operation, run on the
 * connection (and in the transaction) the engine gives it. Every state change is a compare-and-set on
 * {@code (id, state, lease_owner)}, so a worker that lost its lease cannot overwrite another's work; the moves
 * are those of {@link StoredState}.
 *
 * <pre>{@code
 * var table = new TaskTable(Dialect.SQLITE, "coda_tasks");
 * boolean cancelled = table.cancel(connection, id);
 * }</pre>
 *
 * <p>The statements are fields written above the method that binds them; {@link SqlTemplates} expands their
 * {@code {tasks}}, {@code {now}}, {@code {queued}}... placeholders. The statements that move a task into or out of a
 * final state also adjust {@link TaskCounters} in their transaction. (Past 400 lines: it is every statement of the
 * task's life and its bindings; the dashboard's statements are in {@link TaskSearches}.)
 */
final class TaskTable extends SqlTemplates {

    private static final String COLUMNS = "id, name, queue, priority, args, state, attempts, max_attempts, run_at, unique_key, "
            + "created_at, timeout_ms, context";

    private final TaskCounters counters;

    TaskTable(Dialect dialect, String table) {
        super(dialect, table);
        this.counters = new TaskCounters(dialect, table);
    }

    // ---------------------------------------------------------------- store

    /** {@code :mark} 1 sets a broker's dispatch mark in the insert itself (see {@link DispatchTable}), 0 leaves none. */
    private static final String INSERT = "INSERT INTO {tasks} (" + COLUMNS + ", dispatch_at) VALUES (:id, :name, :queue,"
            + " :priority, :args, {queued}, 0, :max_attempts, COALESCE(:run_at, {now}), :unique_key, {now}, :timeout_ms,"
            + " :context, CASE WHEN :mark = 1 THEN {now} END)";
    private final Sql insert = sql(INSERT);
    private final Sql insertUnique = sql(INSERT + " ON CONFLICT (unique_key) WHERE unique_key IS NOT NULL AND state IN ({live})"
            + " DO NOTHING");
    private final Sql findLive = sql("SELECT id FROM {tasks} WHERE unique_key = :unique_key AND state IN ({live})");

    /** Stores tasks (a batch without unique keys, one by one with them); returns their ids, or a live task's for a unique key. */
    List<String> insert(Connection connection, List<NewTask> tasks) throws SQLException {
        return insert(connection, tasks, false);
    }

    /** As {@link #insert(Connection, List)}; with {@code mark}, the rows stored now carry a dispatch mark. */
    List<String> insert(Connection connection, List<NewTask> tasks, boolean mark) throws SQLException {
        var ids = new ArrayList<String>(tasks.size());
        try (var plain = insert.prepare(connection)) {
            int batched = 0;
            for (var task : tasks) {
                if (task.uniqueKey() != null) {
                    ids.add(insertUnique(connection, task, mark));
                    continue;
                }
                var id = task.id() != null ? task.id() : TaskIds.next();
                bindInsert(plain, id, task, mark);
                if (tasks.size() == 1) {
                    plain.update();
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

    private static void bindInsert(Sql.Statement statement, String id, NewTask task, boolean mark) throws SQLException {
        statement.string("id", id);
        statement.string("name", task.name());
        statement.string("queue", task.queue());
        statement.integer("priority", task.priority());
        statement.string("args", task.argumentsJson());
        statement.integer("max_attempts", task.maxAttempts());
        statement.time("run_at", task.runAt());
        statement.string("unique_key", task.uniqueKey());
        statement.millis("timeout_ms", task.timeout());
        statement.string("context", ContextColumn.write(task.context()));
        statement.integer("mark", mark ? 1 : 0);
    }

    /** Inserts unless a live task holds the key; returns the new id or the live task's. */
    private String insertUnique(Connection connection, NewTask task, boolean mark) throws SQLException {
        // the same id on every attempt: a caller that chose it (a broker's store) recognises a task stored now by its id
        var id = task.id() != null ? task.id() : TaskIds.next();
        for (int attempt = 0; attempt < 10; attempt++) {
            try (var statement = insertUnique.prepare(connection)) {
                bindInsert(statement, id, task, mark);
                if (statement.update() == 1) {
                    return id;
                }
            }
            try (var statement = findLive.prepare(connection)) {
                statement.string("unique_key", task.uniqueKey());
                try (var rows = statement.query()) {
                    if (rows.next()) {
                        return rows.getString(1);
                    }
                }
            }
            // the live task finished between the two statements: insert again
        }
        throw new SQLException("could not store a task with unique key " + task.uniqueKey() + ": it kept changing state");
    }

    // ---------------------------------------------------------------- claim and recover

    /** The subquery walks the partial index {@code (queue, priority DESC, run_at, id) WHERE state = 'queued'} in order. */
    private final Sql claim = claimDue("run_at <= {now}");
    /** The same, due on the database's clock or by a later {@code :due_by} (a worker's clock ahead of the database's). */
    private final Sql claimDueBy = claimDue("(run_at <= {now} OR run_at <= :due_by)");

    private Sql claimDue(String due) {
        return sql("UPDATE {tasks} SET state = {running}, attempts = attempts + 1, lease_owner = :lease_owner,"
                + " lease_until = " + dialect.nowPlusMillis(":lease_ms") + ", started_at = {now}, " + AttemptLog.CLAIM_SET
                + " WHERE " + dialect.idIn("SELECT id FROM {tasks} WHERE state = {queued} AND queue = :queue AND " + due
                + " ORDER BY priority DESC, run_at, id LIMIT :limit{lock}")
                + " RETURNING id, name, queue, args, attempts, max_attempts, timeout_ms, context, run_at");
    }

    /**
     * Claims up to {@code max} tasks of {@code queue} that are due, in order of priority then time: due on the database's
     * clock, or also by {@code dueBy} when it is not {@code null}.
     */
    List<ClaimedTask> claim(Connection connection, String workerId, String queue, int max, Duration lease, Instant dueBy)
            throws SQLException {
        try (var statement = (dueBy == null ? claim : claimDueBy).prepare(connection)) {
            statement.string("lease_owner", workerId);
            statement.millis("lease_ms", lease);
            statement.string("queue", queue);
            statement.integer("limit", max);
            if (dueBy != null) {
                statement.time("due_by", dueBy);
            }
            var out = new ArrayList<ClaimedTask>(max);
            try (var rows = statement.query()) {
                while (rows.next()) {
                    out.add(new ClaimedTask(rows.getString("id"), rows.getString("name"), rows.getString("queue"),
                            rows.getString("args"), rows.getInt("attempts"), rows.getInt("max_attempts"), null,
                            readTimeout(rows), ContextColumn.read(rows), dialect.readTime(rows, "run_at")));
                }
            }
            return out;
        }
    }

    private final Sql expired = sql("SELECT id, lease_owner, attempts FROM {tasks} WHERE state = {running} AND lease_until < {now}"
            + " AND queue = :queue ORDER BY lease_until LIMIT :limit{lock}");
    /** The last allowed attempt is not counted again: the claimer records it as failed ("worker lost"). */
    private final Sql recover = sql("UPDATE {tasks} SET lease_owner = :lease_owner, lease_until = " + dialect.nowPlusMillis(":lease_ms")
            + ", started_at = {now}, attempts = CASE WHEN attempts < max_attempts THEN attempts + 1 ELSE attempts END, "
            + AttemptLog.recoverSet(dialect) + " WHERE id " + dialect.in(":ids") + " AND state = {running} RETURNING id, name, queue, args, max_attempts, timeout_ms, context");

    /** Takes over running tasks of {@code queue} whose lease ended; runs in the caller's transaction. */
    List<ClaimedTask> recover(Connection connection, String workerId, String queue, int max, Duration lease) throws SQLException {
        record Lost(String owner, int attempts) {
        }
        var lost = new LinkedHashMap<String, Lost>();
        try (var statement = expired.prepare(connection)) {
            statement.string("queue", queue);
            statement.integer("limit", max);
            try (var rows = statement.query()) {
                while (rows.next()) {
                    lost.put(rows.getString("id"), new Lost(rows.getString("lease_owner"), rows.getInt("attempts")));
                }
            }
        }
        if (lost.isEmpty()) {
            return List.of();
        }
        var out = new ArrayList<ClaimedTask>(lost.size());
        try (var statement = recover.prepare(connection)) {
            statement.string("lease_owner", workerId);
            statement.millis("lease_ms", lease);
            statement.list("ids", lost.keySet());
            try (var rows = statement.query()) {
                while (rows.next()) {
                    var was = lost.get(rows.getString("id"));
                    out.add(new ClaimedTask(rows.getString("id"), rows.getString("name"), rows.getString("queue"),
                            rows.getString("args"), was.attempts() + 1, rows.getInt("max_attempts"),
                            was.owner() == null ? "?" : was.owner(), readTimeout(rows), ContextColumn.read(rows), null));
                }
            }
        }
        return out;
    }

    private static Duration readTimeout(ResultSet rows) throws SQLException {
        long millis = rows.getLong("timeout_ms");
        return rows.wasNull() ? null : Duration.ofMillis(millis);
    }

    // ---------------------------------------------------------------- leases and outcomes

    private final Sql extend = sql("UPDATE {tasks} SET lease_until = " + dialect.nowPlusMillis(":lease_ms") + " WHERE id "
            + dialect.in(":ids") + " AND lease_owner = :lease_owner AND state = {running} RETURNING id");

    /** Extends the leases {@code workerId} still holds; returns their ids. */
    List<String> extend(Connection connection, String workerId, Collection<String> ids, Duration lease) throws SQLException {
        try (var statement = extend.prepare(connection)) {
            statement.millis("lease_ms", lease);
            statement.list("ids", ids);
            statement.string("lease_owner", workerId);
            var held = new ArrayList<String>(ids.size());
            try (var rows = statement.query()) {
                while (rows.next()) {
                    held.add(rows.getString(1));
                }
            }
            return held;
        }
    }

    private static final String HELD = " WHERE id = :id AND lease_owner = :lease_owner AND state = {running}";
    private final Sql succeed = sql("UPDATE {tasks} SET state = {succeeded}, result = :result, finished_at = {now},"
            + " lease_owner = NULL, lease_until = NULL" + HELD + " RETURNING queue");
    /** SQLite: several successes without a result in one statement, their queues returned for the counters. */
    private final Sql succeedAll = sql("UPDATE {tasks} SET state = {succeeded}, result = NULL, finished_at = {now},"
            + " lease_owner = NULL, lease_until = NULL WHERE id " + dialect.in(":ids") + " AND lease_owner = :lease_owner"
            + " AND state = {running} RETURNING queue");
    /** PostgreSQL: the counters' upsert in the same statement as the update, which stays one autocommitted round trip. */
    private static final String COUNT_SUCCEEDED = "), done AS (SELECT queue, count(*) AS tasks FROM updated GROUP BY queue) "
            + TaskCounters.UPSERT.formatted("SELECT queue, {succeeded}, :shard, tasks FROM done");
    /** Successes without a result: {@code id = ANY(ids)} is a bitmap scan of the primary key, half a join's work. */
    private final Sql succeedMany = sql("WITH updated AS (UPDATE {tasks} SET state = {succeeded}, result = NULL, finished_at = {now},"
            + " lease_owner = NULL, lease_until = NULL WHERE id = ANY(:ids) AND lease_owner = :lease_owner AND state = {running}"
            + " RETURNING queue" + COUNT_SUCCEEDED);
    private final Sql succeedManyWithResults = sql("WITH updated AS (UPDATE {tasks} AS t SET state = {succeeded}, result = u.result,"
            + " finished_at = {now}, lease_owner = NULL, lease_until = NULL FROM unnest(:ids::text[], :results::text[]) AS u(id, result)"
            + " WHERE t.id = u.id AND t.lease_owner = :lease_owner AND t.state = {running} RETURNING t.queue" + COUNT_SUCCEEDED);

    /**
     * Records successes of tasks {@code workerId} holds, and counts them: on PostgreSQL at most two statements, each
     * counting its own; on SQLite one statement for those without a result, one a task for the others, then the counters.
     */
    void succeed(Connection connection, String workerId, List<Completion.Succeeded> succeeded) throws SQLException {
        var withoutResult = new ArrayList<String>(succeeded.size());
        var withResult = new ArrayList<Completion.Succeeded>();
        for (var success : succeeded) {
            if (success.resultJson() == null) {
                withoutResult.add(success.id());
            } else {
                withResult.add(success);
            }
        }
        if (dialect.arrays()) {
            succeedMany(connection, workerId, withoutResult, withResult);
            return;
        }
        var tally = new HashMap<String, Long>();
        if (!withResult.isEmpty()) {
            try (var statement = succeed.prepare(connection)) {
                for (var success : withResult) {
                    statement.string("result", success.resultJson());
                    statement.string("id", success.id());
                    statement.string("lease_owner", workerId);
                    tallyQueues(statement, tally);
                }
            }
        }
        if (!withoutResult.isEmpty()) {
            try (var statement = succeedAll.prepare(connection)) {
                statement.list("ids", withoutResult);
                statement.string("lease_owner", workerId);
                tallyQueues(statement, tally);
            }
        }
        counters.add(connection, StoredState.SUCCEEDED, TaskCounters.shard(workerId), tally);
    }

    /** Runs a statement that returns the {@code queue} of each task it changed, and counts them by queue. */
    private static void tallyQueues(Sql.Statement statement, Map<String, Long> tally) throws SQLException {
        try (var rows = statement.query()) {
            while (rows.next()) {
                tally.merge(rows.getString(1), 1L, Long::sum);
            }
        }
    }

    private void succeedMany(Connection connection, String workerId, List<String> withoutResult,
                             List<Completion.Succeeded> withResult) throws SQLException {
        if (!withoutResult.isEmpty()) {
            try (var statement = succeedMany.prepare(connection)) {
                statement.array("ids", withoutResult.toArray(String[]::new));
                statement.string("lease_owner", workerId);
                statement.integer("shard", TaskCounters.shard(workerId));
                statement.update();
            }
        }
        if (!withResult.isEmpty()) {
            try (var statement = succeedManyWithResults.prepare(connection)) {
                statement.array("ids", withResult.stream().map(Completion.Succeeded::id).toArray(String[]::new));
                statement.array("results", withResult.stream().map(Completion.Succeeded::resultJson).toArray(String[]::new));
                statement.string("lease_owner", workerId);
                statement.integer("shard", TaskCounters.shard(workerId));
                statement.update();
            }
        }
    }

    private final Sql retry = sql("UPDATE {tasks} SET state = {queued}, run_at = :run_at, last_error = :last_error,"
            + " attempt_log = " + AttemptLog.append(dialect, "retried", ":last_error") + ", worker = NULL,"
            + " lease_owner = NULL, lease_until = NULL" + HELD);
    private final Sql fail = sql("UPDATE {tasks} SET state = {failed}, last_error = :last_error, finished_at = {now},"
            + " lease_owner = NULL, lease_until = NULL" + HELD + " RETURNING queue");

    /**
     * Records retries (in a batch) and failures (one statement each, rare, counted) of tasks {@code workerId} holds;
     * runs in the caller's transaction.
     */
    void retryOrFail(Connection connection, String workerId, List<Completion> completions) throws SQLException {
        var tally = new HashMap<String, Long>();
        try (var retries = retry.prepare(connection); var failures = fail.prepare(connection)) {
            int retried = 0;
            for (var completion : completions) {
                switch (completion) {
                    case Completion.Retry r -> {
                        retries.time("run_at", r.retryAt());
                        retries.string("last_error", r.error());
                        retries.string("id", r.id());
                        retries.string("lease_owner", workerId);
                        retries.addBatch();
                        retried++;
                    }
                    case Completion.Failed f -> {
                        failures.string("last_error", f.error());
                        failures.string("id", f.id());
                        failures.string("lease_owner", workerId);
                        tallyQueues(failures, tally);
                    }
                    case Completion.Succeeded ignored -> throw new IllegalArgumentException("not a retry or failure: " + ignored);
                }
            }
            if (retried > 0) {
                retries.executeBatch();
            }
        }
        counters.add(connection, StoredState.FAILED, TaskCounters.shard(workerId), tally);
    }

    /** A released task was not run: its attempt does not count. */
    private final Sql release = sql("UPDATE {tasks} SET state = {queued}, attempts = CASE WHEN attempts > 0 THEN attempts - 1"
            + " ELSE 0 END, worker = NULL, lease_owner = NULL, lease_until = NULL WHERE id " + dialect.in(":ids")
            + " AND lease_owner = :lease_owner AND state = {running}");

    int release(Connection connection, String workerId, Collection<String> ids) throws SQLException {
        try (var statement = release.prepare(connection)) {
            statement.list("ids", ids);
            statement.string("lease_owner", workerId);
            return statement.update();
        }
    }

    // ---------------------------------------------------------------- administration

    private final Sql status = sql("SELECT id, name, queue, state, attempts, max_attempts, args, created_at, run_at, started_at,"
            + " finished_at, last_error, result, timeout_ms, worker, attempt_log, context, " + StoredState.LATER + " FROM {tasks} WHERE id = :id");

    Optional<TaskStatus> status(Connection connection, String id) throws SQLException {
        try (var statement = status.prepare(connection)) {
            statement.string("id", id);
            try (var rows = statement.query()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                var runAt = dialect.readTime(rows, "run_at");
                var state = StoredState.ofRow(rows);
                var startedAt = dialect.readTime(rows, "started_at");
                var finishedAt = dialect.readTime(rows, "finished_at");
                var history = AttemptLog.read(rows.getString("attempt_log"), AttemptLog.current(rows.getString("worker"),
                        rows.getInt("attempts"), startedAt, finishedAt, state, rows.getString("last_error")));
                return Optional.of(new TaskStatus(rows.getString("id"), rows.getString("name"), rows.getString("queue"),
                        state, rows.getInt("attempts"), rows.getInt("max_attempts"), rows.getString("args"),
                        dialect.readTime(rows, "created_at"), runAt, startedAt, finishedAt, rows.getString("last_error"),
                        rows.getString("result"), readTimeout(rows), AttemptLog.lastWorker(history), history,
                        ContextColumn.read(rows)));
            }
        }
    }

    /** See {@link TaskCounters}. */
    Map<String, Map<DurableState, Long>> counts(Connection connection) throws SQLException {
        return counters.counts(connection);
    }

    /** A failed task's final attempt goes into the log before the fresh attempt count (cancelled tasks have no worker). */
    private final String finalAttemptToLog = "attempt_log = CASE WHEN worker IS NULL THEN attempt_log ELSE "
            + AttemptLog.append(dialect, "attempts", "worker", "started_at", "finished_at", "failed", "last_error") + " END, worker = NULL";

    /** Refused while another live task holds the unique key (the unique index would refuse it too). */
    private final Sql requeue = sql("UPDATE {tasks} AS t SET state = {queued}, attempts = 0, run_at = {now}, finished_at = NULL,"
            + " result = NULL, lease_owner = NULL, lease_until = NULL, " + finalAttemptToLog + " WHERE t.id = :id AND t.state = :was"
            + " AND (t.unique_key IS NULL OR NOT EXISTS (SELECT 1 FROM {tasks} AS o WHERE o.unique_key = t.unique_key"
            + " AND o.state IN ({live})))");

    private final Sql finalState = sql("SELECT queue, state FROM {tasks} WHERE id = :id AND state IN ({failed}, {cancelled})");

    /**
     * Moves a failed or cancelled task back to the queue and out of its state's counter, unless a live task holds its
     * unique key; runs in the caller's transaction.
     */
    RetryOutcome requeue(Connection connection, String id) throws SQLException {
        var was = queueAndState(finalState, connection, id);
        if (was.isEmpty()) {
            return RetryOutcome.NOT_RETRYABLE;
        }
        try (var statement = requeue.prepare(connection)) {
            statement.string("id", id);
            statement.string("was", was.get().state().stored());
            if (statement.update() != 1) {
                return RetryOutcome.UNIQUE_KEY_CONFLICT; // the row was read in this transaction: only the key's holder stops it
            }
        }
        counters.add(connection, was.get().state(), 0, was.get().queue(), -1);
        return RetryOutcome.RETRIED;
    }

    private final Sql delete = sql("DELETE FROM {tasks} WHERE id = :id AND state <> {running} RETURNING queue, state");

    /** Deletes a task that is not running, counting a final one out of its counter; runs in the caller's transaction. */
    boolean delete(Connection connection, String id) throws SQLException {
        var was = queueAndState(delete, connection, id);
        if (was.isEmpty()) {
            return false;
        }
        if (was.get().state().isFinal()) {
            counters.add(connection, was.get().state(), 0, was.get().queue(), -1);
        }
        return true;
    }

    /** A task's queue and stored state. */
    private record QueueState(String queue, StoredState state) {
    }

    /** Runs a statement of one task ({@code :id}) that answers its {@code queue, state}; empty if it found none. */
    private static Optional<QueueState> queueAndState(Sql sql, Connection connection, String id) throws SQLException {
        try (var statement = sql.prepare(connection)) {
            statement.string("id", id);
            try (var rows = statement.query()) {
                return rows.next() ? Optional.of(new QueueState(rows.getString("queue"), StoredState.parse(rows.getString("state"))))
                        : Optional.empty();
            }
        }
    }

    private final Sql cancel = sql("UPDATE {tasks} SET state = {cancelled}, finished_at = {now}, lease_owner = NULL,"
            + " lease_until = NULL WHERE id = :id AND state = {queued} RETURNING queue");

    /** Cancels a queued task and counts it; runs in the caller's transaction. */
    boolean cancel(Connection connection, String id) throws SQLException {
        var tally = new HashMap<String, Long>(1);
        try (var statement = cancel.prepare(connection)) {
            statement.string("id", id);
            tallyQueues(statement, tally);
        }
        counters.add(connection, StoredState.CANCELLED, 0, tally);
        return !tally.isEmpty();
    }
}
