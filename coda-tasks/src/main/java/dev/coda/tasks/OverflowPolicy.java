package dev.coda.tasks;

/**
 * What the task runtime does with a request's tasks when its queue of waiting tasks is full. Either way
 * each task affected ends {@link TaskState#FAILED} with a {@link java.util.concurrent.RejectedExecutionException},
 * is logged by name, counted in the {@code coda.tasks.rejections} metric and given to the error handler:
 * nothing is dropped silently.
 *
 * <pre>{@code
 * TaskRuntime.builder().maxQueuedTasks(10_000).overflowPolicy(OverflowPolicy.DISCARD_OLDEST).build();
 * }</pre>
 */
public enum OverflowPolicy {
    /** The new tasks are rejected; queued ones keep their place. The default. */
    REJECT,
    /** The oldest waiting tasks are rejected to make room for the new ones (for work where freshness matters). */
    DISCARD_OLDEST
}
