package dev.coda.durable.spi;

import dev.coda.durable.DurableState;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Which tasks {@link TaskSearch#search} returns, newest first (by creation time, then id): their states (empty: every
 * state), queue, name, creation time range, and text in the last error or the arguments ({@code null}: any), at most
 * {@code limit} of them, after the page whose {@link TaskPage#next()} cursor is {@code after} ({@code null}: the first
 * page).
 *
 * <pre>{@code
 * var first = engine.search(TaskQuery.newest(50).inStates(DurableState.FAILED).inQueue("mail").errorContaining("timeout"));
 * var second = engine.search(first.query().after(first.next()));
 * }</pre>
 *
 * <p>A text filter ({@link #errorContaining}, {@link #argumentsContaining}: a case-insensitive substring; on SQLite
 * ASCII letters only fold case) cannot use an index, so a page stays bounded: each state's walk examines at most
 * {@link #TEXT_SCAN} tasks. A page of a text search may therefore hold fewer than {@code limit} tasks, even none, with a
 * {@link TaskPage#next()} cursor all the same: the search stopped there, and the next page goes on from it.
 *
 * @param createdFrom the earliest creation time, inclusive
 * @param createdBefore the latest creation time, exclusive
 * @param after an opaque cursor from a previous page; a page stays the same while tasks are added
 * @param errorText text the task's last error contains, any case
 * @param argumentText text the task's arguments (their JSON) contain, any case
 */
public record TaskQuery(Set<DurableState> states, String queue, String name, Instant createdFrom, Instant createdBefore,
                        int limit, String after, String errorText, String argumentText) {

    /** The largest page a search returns. */
    public static final int MAX_LIMIT = 1000;

    /** How many tasks of one state a page of a text search examines at most. */
    public static final int TEXT_SCAN = 10_000;

    public TaskQuery {
        states = states == null || states.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(states));
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("a page holds 1 to " + MAX_LIMIT + " tasks, not " + limit);
        }
        errorText = errorText == null || errorText.isEmpty() ? null : errorText;
        argumentText = argumentText == null || argumentText.isEmpty() ? null : argumentText;
    }

    /** A query without text filters. */
    public TaskQuery(Set<DurableState> states, String queue, String name, Instant createdFrom, Instant createdBefore, int limit,
                     String after) {
        this(states, queue, name, createdFrom, createdBefore, limit, after, null, null);
    }

    /** The newest {@code limit} tasks of every state, queue and name. */
    public static TaskQuery newest(int limit) {
        return new TaskQuery(Set.of(), null, null, null, null, limit, null);
    }

    /** Only tasks in these states. */
    public TaskQuery inStates(DurableState first, DurableState... more) {
        return inStates(EnumSet.of(first, more));
    }

    /** Only tasks in these states (empty: every state). */
    public TaskQuery inStates(Set<DurableState> wanted) {
        return new TaskQuery(wanted, queue, name, createdFrom, createdBefore, limit, after, errorText, argumentText);
    }

    /** Only tasks of this queue. */
    public TaskQuery inQueue(String value) {
        return new TaskQuery(states, Objects.requireNonNull(value, "queue"), name, createdFrom, createdBefore, limit, after, errorText,
                argumentText);
    }

    /** Only tasks of this name ({@code SimpleClassName.method}). */
    public TaskQuery named(String value) {
        return new TaskQuery(states, queue, Objects.requireNonNull(value, "name"), createdFrom, createdBefore, limit, after, errorText,
                argumentText);
    }

    /** Only tasks created in {@code [from, before)}; either may be {@code null}. */
    public TaskQuery createdBetween(Instant from, Instant before) {
        return new TaskQuery(states, queue, name, from, before, limit, after, errorText, argumentText);
    }

    /** The page after the one whose {@link TaskPage#next()} is {@code cursor}. */
    public TaskQuery after(String cursor) {
        return new TaskQuery(states, queue, name, createdFrom, createdBefore, limit, cursor, errorText, argumentText);
    }

    /** The same query with pages of {@code size} tasks, from the first. */
    public TaskQuery limit(int size) {
        return new TaskQuery(states, queue, name, createdFrom, createdBefore, size, null, errorText, argumentText);
    }

    /** Only tasks whose last error contains {@code text}, in any case (see {@link #TEXT_SCAN}). */
    public TaskQuery errorContaining(String text) {
        return new TaskQuery(states, queue, name, createdFrom, createdBefore, limit, after, text, argumentText);
    }

    /** Only tasks whose arguments (as JSON) contain {@code text}, in any case (see {@link #TEXT_SCAN}). */
    public TaskQuery argumentsContaining(String text) {
        return new TaskQuery(states, queue, name, createdFrom, createdBefore, limit, after, errorText, text);
    }

    /** Whether a text filter narrows this query, so that its pages are bounded by {@link #TEXT_SCAN}. */
    public boolean hasText() {
        return errorText != null || argumentText != null;
    }

    /** Whether {@code error} and {@code arguments} pass the text filters: what an engine that filters in its own code checks. */
    public boolean textMatches(String error, String arguments) {
        return contains(error, errorText) && contains(arguments, argumentText);
    }

    private static boolean contains(String text, String wanted) {
        return wanted == null || text != null && text.toLowerCase(Locale.ROOT).contains(wanted.toLowerCase(Locale.ROOT));
    }

    /** The states searched: every one when none was named. */
    public Set<DurableState> statesOrAll() {
        return states.isEmpty() ? EnumSet.allOf(DurableState.class) : states;
    }
}
