package dev.coda.durable.spi;

import dev.coda.durable.DurableState;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Which tasks {@link TaskSearch#search} returns, newest first (by creation time, then id): their states (empty: every
 * state), queue, name and creation time range ({@code null}: any), at most {@code limit} of them, after the page
 * whose {@link TaskPage#next()} cursor is {@code after} ({@code null}: the first page).
 *
 * <pre>{@code
 * var first = engine.search(TaskQuery.newest(50).inStates(DurableState.FAILED).inQueue("mail"));
 * var second = engine.search(first.query().after(first.next()));
 * }</pre>
 *
 * @param createdFrom the earliest creation time, inclusive
 * @param createdBefore the latest creation time, exclusive
 * @param after an opaque cursor from a previous page; a page stays the same while tasks are added
 */
public record TaskQuery(Set<DurableState> states, String queue, String name, Instant createdFrom, Instant createdBefore,
                        int limit, String after) {

    /** The largest page a search returns. */
    public static final int MAX_LIMIT = 1000;

    public TaskQuery {
        states = states == null || states.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(states));
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("a page holds 1 to " + MAX_LIMIT + " tasks, not " + limit);
        }
    }

    /** The newest {@code limit} tasks of every state, queue and name. */
    public static TaskQuery newest(int limit) {
        return new TaskQuery(Set.of(), null, null, null, null, limit, null);
    }

    /** Only tasks in these states. */
    public TaskQuery inStates(DurableState first, DurableState... more) {
        return new TaskQuery(EnumSet.of(first, more), queue, name, createdFrom, createdBefore, limit, after);
    }

    /** Only tasks of this queue. */
    public TaskQuery inQueue(String value) {
        return new TaskQuery(states, Objects.requireNonNull(value, "queue"), name, createdFrom, createdBefore, limit, after);
    }

    /** Only tasks of this name ({@code SimpleClassName.method}). */
    public TaskQuery named(String value) {
        return new TaskQuery(states, queue, Objects.requireNonNull(value, "name"), createdFrom, createdBefore, limit, after);
    }

    /** Only tasks created in {@code [from, before)}; either may be {@code null}. */
    public TaskQuery createdBetween(Instant from, Instant before) {
        return new TaskQuery(states, queue, name, from, before, limit, after);
    }

    /** The page after the one whose {@link TaskPage#next()} is {@code cursor}. */
    public TaskQuery after(String cursor) {
        return new TaskQuery(states, queue, name, createdFrom, createdBefore, limit, cursor);
    }

    /** The states searched: every one when none was named. */
    public Set<DurableState> statesOrAll() {
        return states.isEmpty() ? EnumSet.allOf(DurableState.class) : states;
    }
}
