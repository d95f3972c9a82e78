package dev.coda.durable;

/**
 * A task engine could not do what it was asked: its database failed or is unreachable. Nothing was
 * changed by the failed call (each engine call is one transaction).
 *
 * <pre>{@code
 * try {
 *     tasks.enqueue(TaskCall.of(Reports::build, id));
 * } catch (TaskEngineException e) {
 *     // not stored: answer 503, or retry
 * }
 * }</pre>
 */
public class TaskEngineException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TaskEngineException(String message, Throwable cause) {
        super(message, cause);
    }
}
