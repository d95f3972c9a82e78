package dev.coda.tasks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The tasks of one unit of work (one request), in the order they were added. A step is one task, or a
 * parallel group whose tasks run at the same time.
 */
final class Batch {

    /** A step of the batch. */
    sealed interface Step permits Single, Group {
    }

    record Single(TaskEntry entry) implements Step {
    }

    record Group(List<TaskEntry> members) implements Step {
    }

    private final TaskRuntime runtime;
    private final String origin;
    private final String correlationId;
    private final List<Step> steps = new ArrayList<>(4);
    private boolean sealed;
    final CompletableFuture<Void> done = new CompletableFuture<>();

    Batch(TaskRuntime runtime, String origin, String correlationId) {
        this.runtime = runtime;
        this.origin = origin;
        this.correlationId = correlationId;
    }

    TaskRuntime runtime() {
        return runtime;
    }

    String origin() {
        return origin;
    }

    String correlationId() {
        return correlationId;
    }

    synchronized void add(Group group, TaskEntry entry) {
        if (sealed) {
            throw new IllegalStateException("the tasks of " + origin + " were already handed to the task runtime; "
                    + "add tasks while the request is being handled");
        }
        if (group == null) {
            steps.add(new Single(entry));
        } else {
            group.members().add(entry);
        }
    }

    synchronized Group newGroup() {
        if (sealed) {
            throw new IllegalStateException("the tasks of " + origin + " were already handed to the task runtime");
        }
        var group = new Group(new ArrayList<>(2));
        steps.add(group);
        return group;
    }

    /** Stops accepting tasks; returns the steps. A batch is sealed once: its tasks must not be handed over twice. */
    synchronized List<Step> seal() {
        if (sealed) {
            throw new IllegalStateException("the tasks of " + origin + " (request " + correlationId
                    + ") were already dispatched; a unit of work is dispatched once");
        }
        sealed = true;
        return List.copyOf(steps);
    }

    synchronized List<TaskEntry> entries() {
        var out = new ArrayList<TaskEntry>();
        for (var step : steps) {
            switch (step) {
                case Single s -> out.add(s.entry());
                case Group g -> out.addAll(g.members());
            }
        }
        return out;
    }

    synchronized boolean isEmpty() {
        return steps.isEmpty();
    }
}
