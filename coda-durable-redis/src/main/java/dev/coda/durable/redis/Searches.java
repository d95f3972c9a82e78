package dev.coda.durable.redis;

import dev.coda.durable.DurableState;
import dev.coda.durable.internal.PageMerge;
import dev.coda.durable.redis.Scripts.Script;
import dev.coda.durable.spi.TaskPage;
import dev.coda.durable.spi.TaskQuery;
import dev.coda.durable.spi.TaskSearch;
import dev.coda.durable.spi.TaskSummary;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The dashboard's reads and pruning: a search walks, for each queue and stored state it selects, that state's index
 * ({@code ix:<state>}, a sorted set by creation time) from the newest entry (or the cursor) backwards, in chunks, reading
 * each entry's hash for the filters on name and run time, and stops after a page; the walks are merged newest first.
 * Purge walks a final state's {@code done:<state>} set by finish time. Neither scans the keys. A text filter (error,
 * arguments) is checked on the hashes read, {@link TaskQuery#TEXT_SCAN} entries of an index a page at most: a walk that
 * reaches the bound stops there, and the page ends at the newest such stop ({@link PageMerge}).
 *
 * <pre>{@code
 * TaskPage page = searches.search(TaskQuery.newest(50).inStates(DurableState.FAILED));
 * }</pre>
 *
 * <p>The cursor is the last task's {@code (creation micros, id)}: a page after it holds only older tasks.
 */
final class Searches {

    private static final String[] SUMMARY = {"name", "queue", "state", "attempts", "max", "created", "run_at", "finished", "error", "worker"};
    private static final String[] WITH_ARGS = {"name", "queue", "state", "attempts", "max", "created", "run_at", "finished", "error", "worker", "args"};
    private static final List<String> STORED = List.of("queued", "running", "succeeded", "failed", "cancelled");
    private static final int PURGE_CHUNK = 500;

    private final RedisLink link;
    private final Keys keys;

    Searches(RedisLink link, Keys keys) {
        this.link = link;
        this.keys = keys;
    }

    private record Cursor(long created, String id) {

        String encode() {
            var text = created + "/" + id;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String cursor) {
            try {
                var text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                int slash = text.indexOf('/');
                return new Cursor(Long.parseLong(text.substring(0, slash)), text.substring(slash + 1));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("not a cursor of a task search: " + cursor, e);
            }
        }

        static final Comparator<Cursor> NEWEST_FIRST = Comparator.comparingLong(Cursor::created).thenComparing(Cursor::id).reversed();

        /** Whether a task sorts after this cursor, newest first. */
        boolean before(long created, String id) {
            return created < this.created || created == this.created && id.compareTo(this.id) < 0;
        }
    }

    TaskPage search(TaskQuery query) {
        var cursor = query.after() == null ? null : Cursor.decode(query.after());
        var states = query.statesOrAll();
        var queues = query.queue() != null ? List.of(query.queue())
                : link.await(link.commands().smembers(keys.queues()), "list the queues").stream().sorted().toList();
        var now = Micros.ofTime(link.await(link.commands().time(), "read the server's time")); // the clock claims compare run_at with
        var rows = new ArrayList<Row>();
        var frontiers = new ArrayList<Cursor>();
        for (var queue : queues) {
            for (var stored : STORED) {
                boolean wanted = stored.equals("queued")
                        ? states.contains(DurableState.QUEUED) || states.contains(DurableState.SCHEDULED)
                        : states.contains(TaskStates.toPublic(stored, null, now));
                if (wanted) {
                    var walk = walk(queue, stored, query, cursor, states, now);
                    rows.addAll(walk.rows());
                    if (walk.frontier() != null) {
                        frontiers.add(walk.frontier());
                    }
                }
            }
        }
        var merged = PageMerge.merge(rows, Row::key, frontiers, Cursor.NEWEST_FIRST, query.limit());
        return new TaskPage(query, merged.page().stream().map(Row::summary).toList(), merged.next() == null ? null : merged.next().encode());
    }

    private record Row(long created, TaskSummary summary) {

        Cursor key() {
            return new Cursor(created, summary.id());
        }
    }

    /** A walk's matches, and where it stopped short of them when a text filter's bound ended it ({@code null}: it did not). */
    private record Walk(List<Row> rows, Cursor frontier) {
    }

    /**
     * Up to {@code limit + 1} matching tasks of one index, newest first; with a text filter, of its first
     * {@link TaskQuery#TEXT_SCAN} entries at most.
     */
    private Walk walk(String queue, String stored, TaskQuery query, Cursor cursor, Set<DurableState> states, Instant now) {
        var what = "search tasks";
        double max = Double.POSITIVE_INFINITY;
        boolean maxIncluded = true;
        if (query.createdBefore() != null) {
            max = Long.parseLong(Micros.of(query.createdBefore()));
            maxIncluded = false;
        }
        if (cursor != null && cursor.created() <= max) {
            max = cursor.created();
            maxIncluded = true;
        }
        double min = query.createdFrom() == null ? Double.NEGATIVE_INFINITY : Long.parseLong(Micros.of(query.createdFrom()));
        var range = Range.from(Range.Boundary.including(min), maxIncluded ? Range.Boundary.including(max) : Range.Boundary.excluding(max));
        var fields = query.argumentText() == null ? SUMMARY : WITH_ARGS;
        var out = new ArrayList<Row>();
        int chunk = query.hasText() ? 1000 : Math.min(1000, query.limit() + 1);
        int examined = 0;
        for (long offset = 0; out.size() <= query.limit(); offset += chunk) {
            List<ScoredValue<String>> entries = link.await(link.commands().zrevrangebyscoreWithScores(keys.index(queue, stored), range,
                    Limit.create(offset, chunk)), what);
            var hashes = new ArrayList<io.lettuce.core.RedisFuture<List<io.lettuce.core.KeyValue<String, String>>>>();
            for (var entry : entries) {
                hashes.add(link.commands().hmget(keys.task(queue, entry.getValue()), fields));
            }
            for (int i = 0; i < entries.size() && out.size() <= query.limit(); i++) {
                var id = entries.get(i).getValue();
                long created = (long) entries.get(i).getScore();
                var f = link.await(hashes.get(i), what).stream().map(kv -> kv.getValueOrElse(null)).toList();
                if (matches(query, f) && (cursor == null || cursor.before(created, id))) {
                    add(out, id, created, f, states, now);
                }
                if (query.hasText() && ++examined >= TaskQuery.TEXT_SCAN) {
                    return new Walk(out, new Cursor(created, id));
                }
            }
            if (entries.size() < chunk) {
                break;
            }
        }
        return new Walk(out, null);
    }

    /** Whether a task's fields (as read, {@code null} state: gone meanwhile) pass the name and text filters. */
    private static boolean matches(TaskQuery query, List<String> f) {
        return f.get(2) != null && (query.name() == null || query.name().equals(f.get(0)))
                && query.textMatches(f.get(8), f.size() > 10 ? f.get(10) : null);
    }

    /** Adds the task to {@code out} if its public state is searched. */
    private static void add(List<Row> out, String id, long created, List<String> f, Set<DurableState> states, Instant now) {
        var runAt = Micros.toInstant(f.get(6));
        var state = TaskStates.toPublic(f.get(2), runAt, now);
        if (states.contains(state)) {
            out.add(new Row(created, new TaskSummary(id, f.get(0), f.get(1), state, Integer.parseInt(f.get(3)),
                    Integer.parseInt(f.get(4)), Micros.toInstant(f.get(5)), runAt, Micros.toInstant(f.get(7)),
                    TaskSummary.summarize(f.get(8)), f.get(9))));
        }
    }

    /** Deletes final tasks that finished before a time, in chunks of {@code purge.lua}; then their directory entries. */
    int purge(Set<DurableState> states, Instant finishedBefore) {
        if (!TaskSearch.finalStates().containsAll(states)) {
            var live = EnumSet.copyOf(states);
            live.removeAll(TaskSearch.finalStates());
            throw new IllegalArgumentException("only tasks in a final state (succeeded, failed, cancelled) can be purged, not " + live);
        }
        var what = "purge tasks in " + states;
        var queues = link.await(link.commands().smembers(keys.queues()), what);
        int deleted = 0;
        for (var queue : queues) {
            for (var state : states) {
                List<String> ids;
                do {
                    ids = link.await(Scripts.run(Script.PURGE, link.commands(), ScriptOutputType.MULTI, new String[] {keys.queue(queue)},
                            state.name().toLowerCase(), Micros.of(finishedBefore), Integer.toString(PURGE_CHUNK)), what);
                    if (!ids.isEmpty()) {
                        link.await(link.commands().hdel(keys.ids(), ids.toArray(String[]::new)), what);
                    }
                    deleted += ids.size();
                } while (ids.size() == PURGE_CHUNK);
            }
        }
        return deleted;
    }
}
