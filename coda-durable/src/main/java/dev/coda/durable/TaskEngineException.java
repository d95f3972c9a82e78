package dev.coda.durable;

import java.time.Duration;
import java.util.Optional;

/**
 * A task engine could not do what it was asked: its database failed or is unreachable. Nothing was
 * changed by the failed call (each engine call is one transaction).
 *
 * <p>An engine that cannot reach its database now (connection refused, pool timeout, a SQLite file locked by
 * another process beyond the timeout...) says so with {@link #unavailable()} and {@link #retryAfter()}: the call
 * may succeed later, and nothing is wrong with the call itself. {@link DurableTasks} turns those into
 * {@link dev.coda.tasks.TasksUnavailableException}, which Coda answers with {@code 503} and {@code Retry-After}.
 *
 * <pre>{@code
 * try {
 *     engine.enqueue(tasks);
 * } catch (TaskEngineException e) {
 *     if (e.unavailable()) {
 *         // not stored: try again in e.retryAfter().get()
 *     } else {
 *         throw e;            // a bug, or a database error that waiting will not fix
 *     }
 * }
 * }</pre>
 */
public class TaskEngineException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Duration retryAfter;

    /** A failure that is not a matter of availability. */
    public TaskEngineException(String message, Throwable cause) {
        this(message, cause, null);
    }

    /**
     * @param retryAfter when the call may be tried again, for an engine that cannot reach its database now;
     *     {@code null} for any other failure
     */
    public TaskEngineException(String message, Throwable cause, Duration retryAfter) {
        super(message, cause);
        if (retryAfter != null && retryAfter.isNegative()) {
            throw new IllegalArgumentException("negative retryAfter: " + retryAfter);
        }
        this.retryAfter = retryAfter;
    }

    /** Whether the engine could not reach its database: the same call may succeed later. */
    public boolean unavailable() {
        return retryAfter != null;
    }

    /** For an {@linkplain #unavailable() unavailable} engine, when to try again; else empty. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
