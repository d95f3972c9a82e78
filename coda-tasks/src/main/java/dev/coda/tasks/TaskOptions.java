package dev.coda.tasks;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How a durable task is to be run: its queue, priority, earliest start, uniqueness key, attempts and
 * timeout. Set through the views of {@link BackgroundTasks} ({@code queue}, {@code priority}, {@code delay},
 * {@code at}, {@code uniqueKey}, {@code maxAttempts}, {@code withTimeout}); in-process tasks take none of
 * them but the timeout, which they apply themselves.
 *
 * <pre>{@code
 * tasks.queue("reports").priority(10).delay(Duration.ofMinutes(5)).uniqueKey("report:" + id)
 *      .withTimeout(Duration.ofMinutes(2)).addTask(Reports::build, id);
 *
 * durable.enqueue(TaskCall.of(Reports::build, id)
 *         .withOptions(TaskOptions.DEFAULT.withQueue("reports").withPriority(10).withTimeout(Duration.ofMinutes(2))));
 * }</pre>
 *
 * @param queue the queue's name; {@code "default"} unless set
 * @param priority higher runs first among ready tasks of a queue; 0 unless set
 * @param runAt not before this instant, or {@code null} for now
 * @param uniqueKey while a task with this key is queued or running, another with the same key is not added
 *     (the existing task's id is returned); {@code null} for none
 * @param maxAttempts attempts before the task is failed for good; 0 for the engine's default
 * @param timeout how long one attempt may run before the worker interrupts and fails it (then retries it
 *     while attempts remain); {@code null} for the task's registered timeout, else the worker's
 */
public record TaskOptions(String queue, int priority, Instant runAt, String uniqueKey, int maxAttempts, Duration timeout) {

    /** The options of a task that sets none. */
    public static final TaskOptions DEFAULT = new TaskOptions("default", 0, null, null, 0, null);

    public TaskOptions {
        Objects.requireNonNull(queue, "queue");
        if (queue.isBlank()) {
            throw new IllegalArgumentException("a queue needs a name");
        }
        if (maxAttempts < 0) {
            throw new IllegalArgumentException("maxAttempts must not be negative: " + maxAttempts);
        }
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
    }

    /** Options without a timeout of their own. */
    public TaskOptions(String queue, int priority, Instant runAt, String uniqueKey, int maxAttempts) {
        this(queue, priority, runAt, uniqueKey, maxAttempts, null);
    }

    /** These options with another queue. */
    public TaskOptions withQueue(String value) {
        return new TaskOptions(value, priority, runAt, uniqueKey, maxAttempts, timeout);
    }

    /** These options with another priority. */
    public TaskOptions withPriority(int value) {
        return new TaskOptions(queue, value, runAt, uniqueKey, maxAttempts, timeout);
    }

    /** These options with another earliest start ({@code null}: now). */
    public TaskOptions withRunAt(Instant value) {
        return new TaskOptions(queue, priority, value, uniqueKey, maxAttempts, timeout);
    }

    /** These options with another uniqueness key ({@code null}: none). */
    public TaskOptions withUniqueKey(String value) {
        return new TaskOptions(queue, priority, runAt, value, maxAttempts, timeout);
    }

    /** These options with another number of attempts (0: the engine's default). */
    public TaskOptions withMaxAttempts(int value) {
        return new TaskOptions(queue, priority, runAt, uniqueKey, value, timeout);
    }

    /** These options with another timeout ({@code null}: the task's registered one, else the worker's). */
    public TaskOptions withTimeout(Duration value) {
        return new TaskOptions(queue, priority, runAt, uniqueKey, maxAttempts, value);
    }
}
