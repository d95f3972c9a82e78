package dev.coda.durable.spi;

import java.util.List;

/**
 * A page of a {@link TaskSearch#search}: the tasks, newest first, and the cursor of the next page ({@code null} on
 * the last one).
 *
 * <pre>{@code
 * for (var page = engine.search(query); ; page = engine.search(page.query().after(page.next()))) {
 *     page.tasks().forEach(this::show);
 *     if (page.next() == null) break;
 * }
 * }</pre>
 *
 * @param query the query this page answers
 */
public record TaskPage(TaskQuery query, List<TaskSummary> tasks, String next) {

    public TaskPage {
        tasks = List.copyOf(tasks);
    }
}
