package dev.coda.durable.spi;

import dev.coda.durable.DurableState;
import java.time.Instant;

/**
 * One task in a {@link TaskPage}: what a list of tasks shows, without arguments or result (read them with
 * {@link dev.coda.durable.TaskEngine#status}).
 *
 * <pre>{@code
 * page.tasks().forEach(t -> System.out.println(t.id() + " " + t.state() + " " + t.error()));
 * }</pre>
 *
 * @param error the first line of the last error (at most {@link #ERROR_LENGTH} characters), or {@code null}
 * @param worker the worker that holds the task (running) or ran its last attempt, or {@code null} (never run, or the
 *     engine does not say)
 */
public record TaskSummary(String id, String name, String queue, DurableState state, int attempts, int maxAttempts,
                          Instant createdAt, Instant runAt, Instant finishedAt, String error, String worker) {

    /** A summary that does not say which worker holds or ran the task. */
    public TaskSummary(String id, String name, String queue, DurableState state, int attempts, int maxAttempts,
                       Instant createdAt, Instant runAt, Instant finishedAt, String error) {
        this(id, name, queue, state, attempts, maxAttempts, createdAt, runAt, finishedAt, error, null);
    }

    /** The longest error summary. */
    public static final int ERROR_LENGTH = 200;

    /** The first line of {@code error}, cut to {@link #ERROR_LENGTH} characters; {@code null} stays {@code null}. */
    public static String summarize(String error) {
        if (error == null) {
            return null;
        }
        int end = error.indexOf('\n');
        var line = (end < 0 ? error : error.substring(0, end)).strip();
        return line.length() <= ERROR_LENGTH ? line : line.substring(0, ERROR_LENGTH - 1) + "…";
    }
}
