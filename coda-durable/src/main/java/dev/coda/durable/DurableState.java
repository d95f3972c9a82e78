package dev.coda.durable;

/**
 * The state of a durable task in its engine.
 *
 * <pre>{@code
 * engine.status(id).map(TaskStatus::state)   // Optional[SUCCEEDED]
 * }</pre>
 */
public enum DurableState {
    /** Stored, ready to be claimed by a worker. */
    QUEUED,
    /** Stored, to run at a later instant (a delayed task, or a retry waiting for its backoff). */
    SCHEDULED,
    /** Claimed by a worker whose lease is alive. */
    RUNNING,
    /** Finished; its result, if any, is kept. */
    SUCCEEDED,
    /** Failed for good (attempts exhausted, unknown name, arguments that do not bind): the failed set. */
    FAILED,
    /** Cancelled before it ran. */
    CANCELLED
}
