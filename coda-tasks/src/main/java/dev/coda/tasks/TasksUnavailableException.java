package dev.coda.tasks;

import java.time.Duration;
import java.util.Objects;

/**
 * The tasks of a unit of work cannot be accepted now: the in-process task queue is full, or the durable
 * engine cannot be reached. Thrown before its answer is sent, so that a client is never told that
 * work was accepted when it will not run; Coda answers it with {@code 503 Service Unavailable} and a
 * {@code Retry-After} header of {@link #retryAfter()}.
 *
 * <pre>{@code
 * try {
 *     runtime.admit(tasks, false);
 * } catch (TasksUnavailableException e) {
 *     respond(503, "Retry-After: " + e.retryAfter().toSeconds());
 * }
 * }</pre>
 */
public final class TasksUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Duration retryAfter;

    /**
     * @param message why, for logs (never shown to clients)
     * @param retryAfter when a client may try again
     */
    public TasksUnavailableException(String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
        if (retryAfter.isNegative()) {
            throw new IllegalArgumentException("negative retryAfter: " + retryAfter);
        }
    }

    /** When a client may try again. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
