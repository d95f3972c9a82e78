package dev.coda.dashboard;

import dev.coda.durable.DurableState;
import dev.coda.durable.TaskEngine;
import dev.coda.durable.TaskEngine.Completion;
import dev.coda.durable.TaskEngine.NewTask;
import dev.coda.durable.TaskStatus;
import dev.coda.durable.spi.WorkerInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Tasks in every state on an engine (SQLite in a temporary folder unless a test gives another), made through the engine SPI as a worker would: stored,
 * claimed under a registered worker's id, completed.
 */
final class TaskFixture implements AutoCloseable {

    static final String WORKER = "test-host:4242:w1";
    private static final Duration LEASE = Duration.ofMinutes(5);
    private static final int CLAIM_ALL = 1000;

    final TaskEngine engine;

    TaskFixture(Path folder) {
        this(TaskEngine.sqlite(folder.resolve("tasks.db")));
    }

    TaskFixture(TaskEngine engine) {
        this.engine = engine;
        engine.register(new WorkerInfo(WORKER, "test-host", 4242, null, null, List.of("default", "mail"), 8));
    }

    String queued(String name, String queue, String argumentsJson) {
        return store(new NewTask(name, argumentsJson, queue, 0, null, null, 3));
    }

    /** A queued task stored with a context ({@code TaskContext}: route, request id, trace context). */
    String withContext(String name, String queue, java.util.Map<String, String> context) {
        return store(new NewTask(name, "[]", queue, 0, null, null, 3, null, null, context));
    }

    String unique(String name, String queue, String uniqueKey) {
        return store(new NewTask(name, "[]", queue, 0, null, uniqueKey, 3));
    }

    String scheduled(String name, String queue) {
        return store(new NewTask(name, "[]", queue, 0, Instant.now().plus(Duration.ofHours(1)), null, 3));
    }

    String failed(String name, String queue, String argumentsJson, String error) {
        return finish(queued(name, queue, argumentsJson), queue, id -> new Completion.Failed(id, error));
    }

    String succeeded(String name, String queue, String argumentsJson, String resultJson) {
        return finish(queued(name, queue, argumentsJson), queue, id -> new Completion.Succeeded(id, resultJson));
    }

    /** Fails a task already stored (queued again after a retry, say) as a worker would. */
    void fail(String id, String queue, String error) {
        finish(id, queue, claimed -> new Completion.Failed(claimed, error));
    }

    /** Runs a queued task to success as a worker would. */
    void succeed(String id, String queue, String resultJson) {
        finish(id, queue, claimed -> new Completion.Succeeded(claimed, resultJson));
    }

    /** The task's state now. */
    DurableState state(String id) {
        return engine.status(id).map(TaskStatus::state).orElseThrow();
    }

    private String store(NewTask task) {
        return engine.enqueue(List.of(task)).getFirst();
    }

    /** Claims the queue's ready tasks, completes {@code id} and gives the others back untouched. */
    private String finish(String id, String queue, java.util.function.Function<String, Completion> completion) {
        var claimed = engine.claim(WORKER, List.of(queue), CLAIM_ALL, LEASE);
        var others = claimed.stream().map(TaskEngine.ClaimedTask::id).filter(c -> !c.equals(id)).toList();
        if (others.size() == claimed.size()) {
            throw new IllegalStateException("task " + id + " was not ready in queue " + queue);
        }
        engine.complete(WORKER, List.of(completion.apply(id)));
        if (!others.isEmpty()) {
            engine.release(WORKER, others);
        }
        return id;
    }


    @Override
    public void close() {
        engine.close();
    }
}
