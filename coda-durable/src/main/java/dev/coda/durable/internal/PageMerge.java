package dev.coda.durable.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * Merges the walks of one search page (a walk per state, or per queue and state), each newest first, into the page: the
 * newest {@code limit} rows, and the key of the next page's cursor. A walk a text filter cut short ({@code TEXT_SCAN})
 * gives its frontier, the oldest row it examined: below the newest such frontier the page knows nothing, so it ends
 * there, and the next page starts after it. Shared by the engines (JDBC, Redis) that merge walks.
 *
 * <pre>{@code
 * var merged = PageMerge.merge(rows, Row::key, frontiers, Key.NEWEST_FIRST, query.limit());
 * return new TaskPage(query, merged.page(), merged.next() == null ? null : encode(merged.next()));
 * }</pre>
 */
public final class PageMerge {

    private PageMerge() {
    }

    /** A page, and the key after which the next one starts ({@code null}: this is the last page). */
    public record Merged<R, K>(List<R> page, K next) {
    }

    /**
     * The page of {@code rows} (each walk's, in any order): every walk returned up to {@code limit + 1} rows, or stopped
     * early at its frontier ({@code frontiers}, the oldest key it examined).
     */
    public static <R, K> Merged<R, K> merge(List<R> rows, Function<R, K> key, List<K> frontiers, Comparator<K> newestFirst, int limit) {
        var sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparing(key, newestFirst));
        var boundary = frontiers.stream().min(newestFirst).orElse(null);
        if (boundary != null) {
            sorted.removeIf(row -> newestFirst.compare(key.apply(row), boundary) > 0);
        }
        if (sorted.size() > limit) {
            var page = List.copyOf(sorted.subList(0, limit));
            return new Merged<>(page, key.apply(page.getLast()));
        }
        return new Merged<>(List.copyOf(sorted), boundary);
    }
}
