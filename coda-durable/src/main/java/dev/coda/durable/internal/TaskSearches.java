package dev.coda.durable.internal;

import dev.coda.durable.DurableState;
import dev.coda.durable.spi.TaskPage;
import dev.coda.durable.spi.TaskQuery;
import dev.coda.durable.spi.TaskSearch;
import dev.coda.durable.spi.TaskSummary;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The dashboard's statements on {@code coda_tasks}: keyset pages of tasks, newest first, and purge. A search runs one
 * statement per stored state and merges them. A final state (succeeded, failed, cancelled: the history, millions of
 * rows) is a walk of the partial index {@code coda_tasks_finished (state, created_at, id)} from its newest row
 * backwards, which stops after a page; on SQLite succeeded tasks are not in that index (each entry cost every finishing
 * task, docs/performance.md) and are walked through the primary key, newest id first: in creation order as long as the
 * engine made their ids (UUIDv7), a task stored with an id of the caller's being found where its id sorts; a live state (queued, running: the backlog) is read through the claims' partial
 * indexes, which hold only its rows, and sorted. No statement scans the table. Filters on queue and name are checked
 * on the rows read (a queue also narrows the claims' indexes).
 *
 * <pre>{@code
 * TaskPage page = searches.search(connection, TaskQuery.newest(50).inStates(DurableState.FAILED));
 * }</pre>
 *
 * <p>A text filter (error, arguments: {@code lower(x) LIKE}) is checked on a bounded walk, the first
 * {@link TaskQuery#TEXT_SCAN} rows of a state, a subquery; a walk that found less than a page there reports its frontier,
 * where the page ends ({@link PageMerge}).
 *
 * <p>The cursor is the last row's {@code (created_at, id)}, encoded: a page after it holds only older rows, so tasks
 * stored meanwhile never shift the pages that follow.
 */
final class TaskSearches extends SqlTemplates {

    private final TaskCounters counters;

    TaskSearches(Dialect dialect, String table) {
        super(dialect, table);
        this.counters = new TaskCounters(dialect, table);
    }

    /** The final states in {@code coda_tasks_finished}, as its predicate spells them: on SQLite not succeeded (V4.sql). */
    private Set<StoredState> indexed() {
        return dialect.indexesSucceeded() ? EnumSet.of(StoredState.SUCCEEDED, StoredState.FAILED, StoredState.CANCELLED)
                : EnumSet.of(StoredState.FAILED, StoredState.CANCELLED);
    }

    /** Whether a state's tasks are walked through the primary key, newest id first (succeeded tasks on SQLite). */
    private boolean byId(StoredState state) {
        return state == StoredState.SUCCEEDED && !dialect.indexesSucceeded();
    }

    /**
     * {@code state = 'x'} for the partial index of finished tasks: with the index's own predicate repeated, which
     * SQLite needs to use it (it does not infer {@code state IN (...)} from {@code state = ...}).
     */
    private String stateIs(StoredState state) {
        var equals = "state = " + state.literal();
        return indexed().contains(state) ? equals + " AND state IN (" + StoredState.literals(indexed()) + ")" : equals;
    }

    /**
     * The SQL template of one state's walk with the query's filters ({@code later}: scheduled, queued, or either). A walk
     * by id bounds the ids by the creation times too ({@link #firstIdOf}), so that it starts and stops where they do.
     */
    String searchTemplate(StoredState state, Boolean later, TaskQuery query, boolean keyset) {
        var walk = "SELECT " + SUMMARY + (query.hasText() ? ", args" : "") + " FROM {tasks} WHERE " + where(state, later, query, keyset)
                + order(state);
        if (!query.hasText()) {
            return walk + " LIMIT :limit";
        }
        return "SELECT " + SUMMARY + " FROM (" + walk + " LIMIT " + TaskQuery.TEXT_SCAN + ") AS c WHERE " + textFilter(query)
                + order(state) + " LIMIT :limit";
    }

    private static final String SUMMARY = "id, name, queue, state, attempts, max_attempts, created_at, run_at, finished_at, last_error, worker, "
            + StoredState.LATER;

    private String order(StoredState state) {
        return byId(state) ? " ORDER BY id DESC" : " ORDER BY created_at DESC, id DESC";
    }

    /** A text filter, checked on the candidates of a bounded walk: {@code lower(x) LIKE '%text%'}, the text bound lowercased. */
    private static String textFilter(TaskQuery query) {
        var where = new ArrayList<String>();
        if (query.errorText() != null) {
            where.add("lower(last_error) LIKE :error_text ESCAPE '\\'");
        }
        if (query.argumentText() != null) {
            where.add("lower(args) LIKE :argument_text ESCAPE '\\'");
        }
        return String.join(" AND ", where);
    }

    /**
     * The frontier of a text search's walk: its last candidate, the {@link TaskQuery#TEXT_SCAN}th ({@code none}: fewer).
     * The same bounded walk as the search's: SQLite scans the whole table for a bare {@code OFFSET} of that size.
     */
    String frontierTemplate(StoredState state, Boolean later, TaskQuery query, boolean keyset) {
        return "SELECT id, created_at FROM (SELECT " + SUMMARY + " FROM {tasks} WHERE " + where(state, later, query, keyset) + order(state)
                + " LIMIT " + TaskQuery.TEXT_SCAN + ") AS c" + order(state) + " LIMIT 1 OFFSET " + (TaskQuery.TEXT_SCAN - 1);
    }

    /** {@code %text%} for LIKE, lowercased, its wildcards escaped. */
    static String likePattern(String text) {
        return "%" + text.toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    private String where(StoredState state, Boolean later, TaskQuery query, boolean keyset) {
        var where = new StringBuilder(stateIs(state));
        boolean byId = byId(state);
        if (later != null) {
            where.append(later ? " AND run_at > {now}" : " AND run_at <= {now}");
        }
        if (query.queue() != null) {
            where.append(" AND queue = :queue");
        }
        if (query.name() != null) {
            where.append(" AND name = :name");
        }
        if (query.createdFrom() != null) {
            where.append(byId ? " AND id >= :created_from_id" : "").append(" AND created_at >= :created_from");
        }
        if (query.createdBefore() != null) {
            where.append(byId ? " AND id < :created_before_id" : "").append(" AND created_at < :created_before");
        }
        if (keyset) {
            where.append(byId ? " AND id < :after_id" : " AND (created_at, id) < (:after_created, :after_id)");
        }
        return where.toString();
    }

    /**
     * The smallest UUIDv7 id, as text, of a task whose id was made at or after {@code time}: the id's first 48 bits are
     * its millisecond, so ids compare as text like their times.
     */
    static String firstIdOf(Instant time) {
        long millis = Math.max(0, time.toEpochMilli());
        var hex = String.format("%012x", millis);
        return hex.substring(0, 8) + "-" + hex.substring(8, 12);
    }

    private record Cursor(Instant created, String id) {

        static final Comparator<Cursor> NEWEST_FIRST = Comparator.comparing(Cursor::created).thenComparing(Cursor::id).reversed();

        String encode() {
            var text = created.getEpochSecond() + "." + created.getNano() + "/" + id;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String cursor) {
            try {
                var text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                int dot = text.indexOf('.');
                int slash = text.indexOf('/');
                return new Cursor(Instant.ofEpochSecond(Long.parseLong(text.substring(0, dot)), Long.parseLong(text.substring(dot + 1, slash))),
                        text.substring(slash + 1));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("not a cursor of a task search: " + cursor, e);
            }
        }
    }

    /**
     * One page: a walk per stored state, {@code limit + 1} rows each, merged newest first. With a text filter each walk
     * examines {@link TaskQuery#TEXT_SCAN} rows at most; a walk cut short gives its frontier ({@link PageMerge}).
     */
    TaskPage search(Connection connection, TaskQuery query) throws SQLException {
        var cursor = query.after() == null ? null : Cursor.decode(query.after());
        var states = query.statesOrAll();
        var rows = new ArrayList<TaskSummary>();
        var frontiers = new ArrayList<Cursor>();
        for (var stored : StoredState.values()) {
            Boolean later = null;
            if (stored == StoredState.QUEUED) {
                boolean queued = states.contains(DurableState.QUEUED);
                boolean scheduled = states.contains(DurableState.SCHEDULED);
                if (!queued && !scheduled) {
                    continue;
                }
                later = queued && scheduled ? null : scheduled;
            } else if (!states.contains(stored.toPublic(false))) {
                continue;
            }
            var found = walk(connection, stored, later, query, cursor);
            rows.addAll(found);
            if (query.hasText() && found.size() <= query.limit()) {
                frontier(connection, stored, later, query, cursor).ifPresent(frontiers::add);
            }
        }
        var merged = PageMerge.merge(rows, row -> new Cursor(row.createdAt(), row.id()), frontiers, Cursor.NEWEST_FIRST, query.limit());
        return new TaskPage(query, merged.page(), merged.next() == null ? null : merged.next().encode());
    }

    private List<TaskSummary> walk(Connection connection, StoredState stored, Boolean later, TaskQuery query, Cursor cursor)
            throws SQLException {
        var rows = new ArrayList<TaskSummary>();
        try (var statement = sql(searchTemplate(stored, later, query, cursor != null)).prepare(connection)) {
            bind(statement, stored, query, cursor);
            if (query.errorText() != null) {
                statement.string("error_text", likePattern(query.errorText()));
            }
            if (query.argumentText() != null) {
                statement.string("argument_text", likePattern(query.argumentText()));
            }
            statement.integer("limit", query.limit() + 1);
            try (var result = statement.query()) {
                while (result.next()) {
                    var runAt = dialect.readTime(result, "run_at");
                    rows.add(new TaskSummary(result.getString("id"), result.getString("name"), result.getString("queue"),
                            StoredState.ofRow(result), result.getInt("attempts"),
                            result.getInt("max_attempts"), dialect.readTime(result, "created_at"), runAt,
                            dialect.readTime(result, "finished_at"), TaskSummary.summarize(result.getString("last_error")),
                            result.getString("worker")));
                }
            }
        }
        return rows;
    }

    private Optional<Cursor> frontier(Connection connection, StoredState stored, Boolean later, TaskQuery query, Cursor cursor)
            throws SQLException {
        try (var statement = sql(frontierTemplate(stored, later, query, cursor != null)).prepare(connection)) {
            bind(statement, stored, query, cursor);
            try (var result = statement.query()) {
                return result.next() ? Optional.of(new Cursor(dialect.readTime(result, "created_at"), result.getString("id")))
                        : Optional.empty();
            }
        }
    }

    /** Binds the filters of {@link #where}. */
    private void bind(Sql.Statement statement, StoredState stored, TaskQuery query, Cursor cursor) throws SQLException {
        boolean byId = byId(stored);
        if (query.queue() != null) {
            statement.string("queue", query.queue());
        }
        if (query.name() != null) {
            statement.string("name", query.name());
        }
        if (query.createdFrom() != null) {
            statement.time("created_from", query.createdFrom());
            if (byId) {
                statement.string("created_from_id", firstIdOf(query.createdFrom()));
            }
        }
        if (query.createdBefore() != null) {
            statement.time("created_before", query.createdBefore());
            if (byId) {
                statement.string("created_before_id", firstIdOf(query.createdBefore()));
            }
        }
        if (cursor != null) {
            if (!byId) {
                statement.time("after_created", cursor.created());
            }
            statement.string("after_id", cursor.id());
        }
    }

    /**
     * Deletes a final state's tasks finished before a time. The state is inlined, not bound, so that the planner matches
     * the partial index {@code coda_tasks_finished}; {@code finished_at >= created_at}, so its walk up to the time finds
     * every row. Succeeded tasks on SQLite: the primary key's walk up to the time's first id.
     */
    String purgeTemplate(StoredState state) {
        return "DELETE FROM {tasks} WHERE id IN (SELECT id FROM {tasks} WHERE " + stateIs(state)
                + (byId(state) ? " AND id < :finished_before_id" : "")
                + " AND created_at < :finished_before AND finished_at < :finished_before LIMIT " + PURGE_BATCH + ") RETURNING queue";
    }

    /**
     * The most tasks one purge transaction deletes: a purge of a million rows is a thousand short transactions, so that
     * SQLite's single writer (claims, completions, enqueues) waits milliseconds for it, not seconds.
     */
    static final int PURGE_BATCH = 1_000;

    private final Map<StoredState, Sql> purges = Map.of(StoredState.SUCCEEDED, sql(purgeTemplate(StoredState.SUCCEEDED)),
            StoredState.FAILED, sql(purgeTemplate(StoredState.FAILED)), StoredState.CANCELLED, sql(purgeTemplate(StoredState.CANCELLED)));

    /** The stored states of {@code states}, all final (succeeded, failed, cancelled), else an IllegalArgumentException. */
    static List<StoredState> finalStates(Set<DurableState> states) {
        if (!TaskSearch.finalStates().containsAll(states)) {
            var live = EnumSet.copyOf(states);
            live.removeAll(TaskSearch.finalStates());
            throw new IllegalArgumentException("only tasks in a final state (succeeded, failed, cancelled) can be purged, not " + live);
        }
        return Stream.of(StoredState.SUCCEEDED, StoredState.FAILED, StoredState.CANCELLED)
                .filter(stored -> states.contains(stored.toPublic(false))).toList();
    }

    /**
     * Deletes up to {@link #PURGE_BATCH} tasks in the final state {@code stored} that finished before
     * {@code finishedBefore}, and counts them out; returns how many. Runs in the caller's transaction: fewer than the
     * batch means none is left.
     */
    int purge(Connection connection, StoredState stored, Instant finishedBefore) throws SQLException {
        var tally = new HashMap<String, Long>();
        int deleted = 0;
        try (var statement = purges.get(stored).prepare(connection)) {
            statement.time("finished_before", finishedBefore);
            if (byId(stored)) {
                statement.string("finished_before_id", firstIdOf(finishedBefore));
            }
            try (var rows = statement.query()) {
                while (rows.next()) {
                    tally.merge(rows.getString(1), -1L, Long::sum);
                    deleted++;
                }
            }
        }
        counters.add(connection, stored, 0, tally);
        return deleted;
    }
}
