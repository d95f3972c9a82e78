package dev.coda.tasks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The tasks of one unit of work (one request), in the order they were added. A step is one task, or a
 * parallel group whose tasks run at the same time. Once dispatched, a task list is also what the runtime
 * queues and what its thread runs ({@link #run()}), so that handing it over allocates nothing more.
 */
final class TaskList implements Runnable {

    /** A step of the task list: a task, or a parallel group. */
    sealed interface Step permits TaskEntry, Group {
    }

    record Group(List<TaskEntry> members) implements Step {
    }

    /**
     * Completes when every task of the task list has finished, failed or been cancelled; {@link TaskRuntime#dispatch}
     * returns it. To its holders it is a minimal completion stage, as {@link CompletableFuture#minimalCompletionStage()}
     * makes one, without the second future and the relay between the two that that makes for every task list: it
     * cannot be completed or cancelled from outside, and {@link #toCompletableFuture()} gives an independent
     * copy. Stages made from it are ordinary futures, owned by whoever made them.
     */
    static final class Done extends CompletableFuture<Void> {

        /** The task list has finished. */
        void finish() {
            super.complete(null);
        }

        @Override
        public <U> CompletableFuture<U> newIncompleteFuture() {
            return new CompletableFuture<>();
        }

        @Override
        public CompletableFuture<Void> toCompletableFuture() {
            return copy();
        }

        @Override
        public boolean complete(Void value) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean completeExceptionally(Throwable ex) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void obtrudeValue(Void value) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void obtrudeException(Throwable ex) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<Void> completeAsync(Supplier<? extends Void> supplier) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<Void> completeAsync(Supplier<? extends Void> supplier, Executor executor) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<Void> orTimeout(long timeout, TimeUnit unit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<Void> completeOnTimeout(Void value, long timeout, TimeUnit unit) {
            throw new UnsupportedOperationException();
        }
    }

    /**
     * Where a task list is in its hand-over to the runtime. It moves forward only: {@code OPEN} → {@code ADMITTED}
     * (counted in the runtime's queue before its answer) → {@code DISPATCHED}; {@code OPEN} or
     * {@code ADMITTED} → {@code REFUSED} (its tasks could not be accepted) → {@code DISPATCHED}; or
     * {@code OPEN} → {@code DISPATCHED}. Tasks are added only while {@code OPEN}.
     */
    enum Stage {
        OPEN, ADMITTED, REFUSED, DISPATCHED;

        boolean canMoveTo(Stage next) {
            return switch (this) {
                case OPEN -> next != OPEN;
                case ADMITTED -> next == REFUSED || next == DISPATCHED;
                case REFUSED -> next == DISPATCHED;
                case DISPATCHED -> false;
            };
        }
    }

    private static final Step[] NO_STEPS = {};

    private final TaskRuntime runtime;
    private final String origin;
    private final String correlationId;
    // The steps added so far, in order: the first in a field of its own (most task lists have one or two steps, and
    // a task list's thread reads one object less), the others in an array; none of it changes once past OPEN.
    private Step first;
    private Step[] more = NO_STEPS;
    private int count;
    private Stage stage = Stage.OPEN;
    private boolean hasDurable;
    final Done done = new Done();

    // What the runtime runs of it, set by dispatch before the task list is handed over (which publishes them):
    // the steps to run (null for all of the task list's own steps, else the first runCount of selected) and how
    // many tasks they hold.
    private Step[] selected;
    private int runCount;
    int size;

    // Its links in the runtime's list of unfinished task lists (Unfinished), guarded by that stripe's monitor.
    Object stripe;
    TaskList previous;
    TaskList next;

    TaskList(TaskRuntime runtime, String origin, String correlationId) {
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
        if (stage != Stage.OPEN) {
            throw new IllegalStateException("the tasks of " + origin + " were already handed to the task runtime; "
                    + "add tasks while the request is being handled");
        }
        if (group == null) {
            append(entry);
        } else {
            group.members().add(entry);
        }
        hasDurable |= entry.durable;
    }

    synchronized Group newGroup() {
        if (stage != Stage.OPEN) {
            throw new IllegalStateException("the tasks of " + origin + " were already handed to the task runtime");
        }
        var group = new Group(new ArrayList<>(2));
        append(group);
        return group;
    }

    private void append(Step step) {
        if (count > 0) {
            if (count - 1 == more.length) {
                var bigger = new Step[Math.max(2, more.length * 2)];
                System.arraycopy(more, 0, bigger, 0, more.length);
                more = bigger;
            }
            more[count - 1] = step;
        } else {
            first = step;
        }
        count++;
    }

    /**
     * Moves the task list to {@code next} and returns the stage it leaves. Past {@code OPEN} it accepts no task: its
     * steps ({@link #step}, {@link #stepCount()}) and {@link #hasDurable()} no longer change, and the thread
     * that moved it (or any that synchronizes with it) reads them without a lock.
     *
     * @throws IllegalStateException if the task list cannot move there (a unit of work is dispatched once)
     */
    synchronized Stage advance(Stage next) {
        if (!stage.canMoveTo(next)) {
            throw new IllegalStateException("the tasks of " + origin + " (request " + correlationId + ") were already "
                    + stage.name().toLowerCase(Locale.ROOT) + "; a unit of work is admitted and dispatched once");
        }
        var previous = stage;
        stage = next;
        return previous;
    }

    /** Step {@code i} (from 0) of those added; only past {@code OPEN} (see {@link #advance}). */
    Step step(int i) {
        return i == 0 ? first : more[i - 1];
    }

    /** The number of steps; only past {@code OPEN}. */
    int stepCount() {
        return count;
    }

    /** Whether any task of it is durable (stored by a durable engine rather than run here); only past {@code OPEN}. */
    boolean hasDurable() {
        return hasDurable;
    }

    synchronized List<TaskEntry> entries() {
        var out = new ArrayList<TaskEntry>(count);
        for (int i = 0; i < count; i++) {
            addEntries(step(i), out);
        }
        return out;
    }

    /** The runtime runs all of the task list's steps, {@code tasks} tasks in all. */
    void runAll(int tasks) {
        selected = null;
        runCount = count;
        size = tasks;
    }

    /** The runtime runs these steps only (some of the task list's were not to run here), {@code tasks} tasks in all. */
    void runOnly(List<Step> steps, int tasks) {
        selected = steps.toArray(NO_STEPS);
        runCount = selected.length;
        size = tasks;
    }

    /** The number of steps the runtime runs. */
    int runCount() {
        return runCount;
    }

    /** Step {@code i} (from 0) of those the runtime runs. */
    Step runStep(int i) {
        return selected == null ? step(i) : selected[i];
    }

    /** The tasks of the steps the runtime runs, in order. */
    List<TaskEntry> entriesToRun() {
        var out = new ArrayList<TaskEntry>(runCount);
        for (int i = 0; i < runCount; i++) {
            addEntries(runStep(i), out);
        }
        return out;
    }

    private static void addEntries(Step step, List<TaskEntry> out) {
        switch (step) {
            case TaskEntry entry -> out.add(entry);
            case Group g -> out.addAll(g.members());
        }
    }

    /** Runs the dispatched task list on the current thread: the body of the thread the runtime starts for it. */
    @Override
    public void run() {
        runtime.runTaskList(this);
    }
}
