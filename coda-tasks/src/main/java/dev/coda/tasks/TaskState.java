package dev.coda.tasks;

/**
 * Where a background task is in its life.
 *
 * <pre>{@code
 * TaskHandle handle = tasks.addTask(Mailer::welcome, email);
 * handle.completion().thenAccept(state -> log.info("welcome mail: {}", state));   // SUCCEEDED, FAILED or CANCELLED
 * }</pre>
 */
public enum TaskState {
    /** Added, waiting for the response to complete or for a free slot. */
    QUEUED,
    /** Running now (an asynchronous task runs until its stage completes). */
    RUNNING,
    /** Finished normally. */
    SUCCEEDED,
    /** Threw, timed out, or was rejected because the queue was full; see {@link TaskHandle#failure()}. */
    FAILED,
    /** Cancelled, skipped because its request failed, or abandoned at shutdown. */
    CANCELLED;

    /** Whether the task will not change state any more. */
    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
