package dev.coda.tasks;

/**
 * Told about every background task that fails (after Coda has logged it once), e.g. to report it to an
 * error tracker. Called on the task's thread; what it throws is logged and ignored.
 *
 * <pre>{@code
 * TaskRuntime.builder().errorHandler((task, error) -> errorTracker.capture(error, Map.of("task", task.name())));
 * }</pre>
 */
@FunctionalInterface
public interface TaskErrorHandler {

    /** A task failed with {@code error} (a timeout is a {@link java.util.concurrent.TimeoutException}). */
    void onFailure(TaskHandle task, Throwable error);
}
