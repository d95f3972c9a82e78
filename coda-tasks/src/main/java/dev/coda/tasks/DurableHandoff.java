package dev.coda.tasks;

import java.util.List;

/**
 * Where durable tasks go instead of running in-process: a task engine (SQLite, PostgreSQL, ...) that
 * stores them for workers. Implemented by Coda's durable module; an app sets it with
 * {@link TaskRuntime.Builder#durable}.
 *
 * <pre>{@code
 * TaskRuntime.builder().durable(DurableTasks.on(TaskEngine.sqlite(Path.of("tasks.db"))).task(FileJobs::process));
 * }</pre>
 */
public interface DurableHandoff {

    /** Whether calls of this task are durable (decided by the task's name). */
    boolean isDurable(TaskCall call);

    /**
     * Stores the calls, all or none, and returns their ids in the same order. Called before the response
     * is sent, so that an answer such as {@code 202 Accepted} means "stored".
     *
     * @throws Exception when they could not be stored; none is then
     */
    List<String> store(List<TaskCall> calls) throws Exception;
}
