package dev.coda.durable;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What an engine knows of one durable task.
 *
 * <pre>{@code
 * TaskStatus status = engine.status(id).orElseThrow();
 * if (status.state() == DurableState.FAILED) log.warn("{} failed after {} attempts: {}", id, status.attempts(), status.lastError());
 * }</pre>
 *
 * @param id the task's id
 * @param name the registered task name, e.g. {@code FileJobs.process}
 * @param queue its queue
 * @param state its state
 * @param attempts how many times it was started
 * @param maxAttempts how many times it may be
 * @param arguments its arguments as a JSON array
 * @param createdAt when it was stored
 * @param runAt when it may run (next)
 * @param startedAt when its last attempt started, or {@code null}
 * @param finishedAt when it succeeded, failed for good or was cancelled, or {@code null}
 * @param lastError the last failure with its stack trace, or {@code null}
 * @param result the JSON of the task method's return value, or {@code null}
 * @param timeout the timeout the call set ({@code tasks.withTimeout(...)}), or {@code null}: the task's registered
 *     timeout or the worker's then apply
 * @param worker the id of the worker that holds or ran the last attempt, or {@code null} before the first
 * @param history the task's attempts, oldest first (see {@link TaskAttempt} for the bounds)
 */
public record TaskStatus(String id, String name, String queue, DurableState state, int attempts, int maxAttempts,
                         String arguments, Instant createdAt, Instant runAt, Instant startedAt, Instant finishedAt,
                         String lastError, String result, Duration timeout, String worker, List<TaskAttempt> history) {

    public TaskStatus {
        history = history == null ? List.of() : List.copyOf(history);
    }

    /** A status without a worker or history (an engine that keeps none). */
    public TaskStatus(String id, String name, String queue, DurableState state, int attempts, int maxAttempts,
                      String arguments, Instant createdAt, Instant runAt, Instant startedAt, Instant finishedAt,
                      String lastError, String result, Duration timeout) {
        this(id, name, queue, state, attempts, maxAttempts, arguments, createdAt, runAt, startedAt, finishedAt, lastError,
                result, timeout, null, List.of());
    }
}
