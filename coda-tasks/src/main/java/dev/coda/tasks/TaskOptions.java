package dev.coda.tasks;

import java.time.Instant;
import java.util.Objects;

/**
 * How a durable task is to be run: its queue, priority, earliest start, uniqueness key and attempts.
 * Set through the views of {@link BackgroundTasks} ({@code queue}, {@code priority}, {@code delay},
 * {@code at}, {@code uniqueKey}, {@code maxAttempts}); in-process tasks take none of them.
 *
 * <pre>{@code
 * tasks.queue("reports").priority(10).delay(Duration.ofMinutes(5)).uniqueKey("report:" + id)
 *      .addTask(Reports::build, id);
 * }</pre>
 *
 * @param queue the queue's name; {@code "default"} unless set
 * @param priority higher runs first among ready tasks of a queue; 0 unless set
 * @param runAt not before this instant, or {@code null} for now
 * @param uniqueKey while a task with this key is queued or running, another with the same key is not added
 *     (the existing task's id is returned); {@code null} for none
 * @param maxAttempts attempts before the task is failed for good; 0 for the engine's default
 */
public record TaskOptions(String queue, int priority, Instant runAt, String uniqueKey, int maxAttempts) {

    /** The options of a task that sets none. */
    public static final TaskOptions DEFAULT = new TaskOptions("default", 0, null, null, 0);

    public TaskOptions {
        Objects.requireNonNull(queue, "queue");
        if (queue.isBlank()) {
            throw new IllegalArgumentException("a queue needs a name");
        }
        if (maxAttempts < 0) {
            throw new IllegalArgumentException("maxAttempts must not be negative: " + maxAttempts);
        }
    }

    TaskOptions withQueue(String value) {
        return new TaskOptions(value, priority, runAt, uniqueKey, maxAttempts);
    }

    TaskOptions withPriority(int value) {
        return new TaskOptions(queue, value, runAt, uniqueKey, maxAttempts);
    }

    TaskOptions withRunAt(Instant value) {
        return new TaskOptions(queue, priority, value, uniqueKey, maxAttempts);
    }

    TaskOptions withUniqueKey(String value) {
        return new TaskOptions(queue, priority, runAt, value, maxAttempts);
    }

    TaskOptions withMaxAttempts(int value) {
        return new TaskOptions(queue, priority, runAt, uniqueKey, value);
    }
}
