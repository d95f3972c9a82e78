package dev.coda.durable.internal;

import dev.coda.durable.DurableState;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The counts of tasks by queue and state, cheap with millions of rows: the live states (queued, scheduled, running)
 * counted exactly through the claims' partial indexes, which hold only live rows; the final states (succeeded, failed,
 * cancelled), which grow without bound, read from counters in {@code coda_task_counts} that the statements moving a
 * task into or out of a final state adjust in the same transaction ({@link #add}). A queue's counter of a state is
 * split in {@link #SHARDS} rows, each worker adding to the one of its id ({@link #shard}), so that the completions of
 * workers on several machines do not queue behind one row's lock; a count adds the rows up.
 *
 * <pre>{@code
 * var tally = new HashMap<String, Long>();            // queue -> tasks that just failed
 * counters.add(connection, StoredState.FAILED, TaskCounters.shard(workerId), tally);
 * counters.counts(connection);                        // {default={QUEUED=3, ..., FAILED=1}}
 * }</pre>
 */
final class TaskCounters extends SqlTemplates {

    TaskCounters(Dialect dialect, String table) {
        super(dialect, table);
    }

    /** How many rows a queue's counter of a state is split in. */
    static final int SHARDS = 16;

    /** The shard a worker adds to; administration (cancel, retry, purge) uses any, say 0. */
    static int shard(String workerId) {
        return Math.floorMod(workerId.hashCode(), SHARDS);
    }

    /** The upsert of a counter; {@code tasks} may be negative (tasks requeued or purged). */
    static final String UPSERT = "INSERT INTO {counts} AS c (queue, state, shard, tasks) %s"
            + " ON CONFLICT (queue, state, shard) DO UPDATE SET tasks = c.tasks + excluded.tasks";

    private final Sql upsert = sql(UPSERT.formatted("VALUES (:queue, :state, :shard, :tasks)"));

    /** Adds {@code tasks} (queue to number, negative to subtract) to the counters of {@code state}, in {@code shard}. */
    void add(Connection connection, StoredState state, int shard, Map<String, Long> tasks) throws SQLException {
        if (tasks.isEmpty()) {
            return;
        }
        try (var statement = upsert.prepare(connection)) {
            for (var entry : tasks.entrySet()) {
                statement.string("queue", entry.getKey());
                statement.string("state", state.stored());
                statement.integer("shard", shard);
                statement.number("tasks", entry.getValue());
                if (tasks.size() == 1) {
                    statement.update();
                } else {
                    statement.addBatch();
                }
            }
            if (tasks.size() > 1) {
                statement.executeBatch();
            }
        }
    }

    /** {@link #add} for one task. */
    void add(Connection connection, StoredState state, int shard, String queue, long tasks) throws SQLException {
        var one = new HashMap<String, Long>(1);
        one.put(queue, tasks);
        add(connection, state, shard, one);
    }

    /** Queued tasks through {@code coda_tasks_ready}, running ones through {@code coda_tasks_leases}, then the counters. */
    static final String COUNTS = "SELECT queue, state, " + StoredState.LATER + ", count(*) AS tasks"
            + " FROM {tasks} WHERE state = {queued} GROUP BY queue, state, later"
            + " UNION ALL SELECT queue, state, 0, count(*) FROM {tasks} WHERE state = {running} GROUP BY queue, state"
            + " UNION ALL SELECT queue, state, 0, tasks FROM {counts}";
    private final Sql counts = sql(COUNTS);

    /** The number of tasks by queue and public state; every state of a queue present, zero or not. */
    Map<String, Map<DurableState, Long>> counts(Connection connection) throws SQLException {
        var out = new TreeMap<String, Map<DurableState, Long>>();
        try (var statement = counts.prepare(connection); var rows = statement.query()) {
            while (rows.next()) {
                var byState = out.computeIfAbsent(rows.getString("queue"), q -> {
                    var m = new EnumMap<DurableState, Long>(DurableState.class);
                    for (var s : DurableState.values()) {
                        m.put(s, 0L);
                    }
                    return m;
                });
                byState.merge(StoredState.ofRow(rows), rows.getLong("tasks"), Long::sum);
            }
        }
        return out;
    }
}
