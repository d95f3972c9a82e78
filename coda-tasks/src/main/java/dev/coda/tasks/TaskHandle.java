package dev.coda.tasks;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A background task that was added: its id, name and state, and a way to cancel it.
 *
 * <pre>{@code
 * TaskHandle handle = tasks.addTask(Reports::build, reportId);
 * log.info("report {} queued as task {}", reportId, handle.id());
 * }</pre>
 */
public interface TaskHandle {

    /** A unique id. */
    String id();

    /** The task's name: {@code Class.method} of its method reference, or the name given with {@link BackgroundTasks#named}. */
    String name();

    /** The current state. */
    TaskState state();

    /** Why it failed or was cancelled, when it did. */
    Optional<Throwable> failure();

    /**
     * Cancels the task: a queued task will not run; a running one is interrupted. Returns whether the
     * task was still queued or running.
     */
    boolean cancel();

    /** Completes with the final state once the task is {@linkplain TaskState#isTerminal() terminal}. */
    CompletionStage<TaskState> completion();
}
