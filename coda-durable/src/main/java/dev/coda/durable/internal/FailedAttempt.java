package dev.coda.durable.internal;

import dev.coda.tasks.TaskHandle;
import dev.coda.tasks.TaskState;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A durable task's failed attempt as a worker's error handler sees it: the task's id and name, {@link TaskState#FAILED},
 * and the error; it cannot be cancelled from here (its retry, if any, is already decided).
 *
 * <pre>{@code
 * handler.onFailure(new FailedAttempt(task.id(), task.name(), error), error);
 * }</pre>
 */
record FailedAttempt(String id, String name, Throwable error) implements TaskHandle {

    @Override
    public TaskState state() {
        return TaskState.FAILED;
    }

    @Override
    public Optional<Throwable> failure() {
        return Optional.of(error);
    }

    @Override
    public boolean cancel() {
        return false;
    }

    @Override
    public CompletionStage<TaskState> completion() {
        return CompletableFuture.completedFuture(TaskState.FAILED);
    }
}
