package dev.coda.tasks;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

/** One added task: what to call, when, and its state. */
final class TaskEntry implements TaskHandle {

    final Batch batch;
    final Invocation invocation;
    final Phase phase;
    final Duration timeout;
    final Map<String, String> mdc;
    final List<ContextPropagator.Snapshot> contexts;
    private final String name;
    private final String id;
    private final AtomicReference<TaskState> state = new AtomicReference<>(TaskState.QUEUED);
    private volatile Throwable failure;
    private volatile Thread thread;
    private volatile boolean cancelRequested;
    private volatile CompletableFuture<TaskState> completion;

    TaskEntry(Batch batch, Invocation invocation, String name, Phase phase, Duration timeout, Map<String, String> mdc,
              List<ContextPropagator.Snapshot> contexts) {
        this.batch = batch;
        this.invocation = invocation;
        this.name = name == null ? invocation.name().name() : name;
        this.phase = phase;
        this.timeout = timeout;
        this.mdc = mdc;
        this.contexts = contexts;
        var random = ThreadLocalRandom.current();
        this.id = Long.toHexString(random.nextLong() | Long.MIN_VALUE) + Long.toHexString(random.nextLong() | Long.MIN_VALUE);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public TaskState state() {
        return state.get();
    }

    @Override
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public boolean cancel() {
        if (state.compareAndSet(TaskState.QUEUED, TaskState.CANCELLED)) {
            failure = new CancellationException("cancelled before it ran");
            batch.runtime().taskCancelledWhileQueued(this);
            completeWith(TaskState.CANCELLED);
            return true;
        }
        if (state.get() == TaskState.RUNNING) {
            cancelRequested = true;
            var t = thread;
            if (t != null) {
                t.interrupt();
            }
            return true;
        }
        return false;
    }

    boolean cancelRequested() {
        return cancelRequested;
    }

    @Override
    public CompletionStage<TaskState> completion() {
        var c = completion;
        if (c == null) {
            synchronized (this) {
                c = completion;
                if (c == null) {
                    c = new CompletableFuture<>();
                    completion = c;
                    var now = state.get();
                    if (now.isTerminal()) {
                        c.complete(now);
                    }
                }
            }
        }
        return c.minimalCompletionStage();
    }

    /** QUEUED to RUNNING on {@code runner}; false when it was cancelled meanwhile. */
    boolean start(Thread runner) {
        thread = runner;
        return state.compareAndSet(TaskState.QUEUED, TaskState.RUNNING);
    }

    /** Moves to a terminal state unless already terminal; returns whether this call did it. */
    boolean finish(TaskState terminal, Throwable cause) {
        while (true) {
            var now = state.get();
            if (now.isTerminal()) {
                return false;
            }
            if (state.compareAndSet(now, terminal)) {
                failure = cause;
                thread = null;
                completeWith(terminal);
                return true;
            }
        }
    }

    private void completeWith(TaskState terminal) {
        var c = completion;
        if (c != null) {
            c.complete(terminal);
        } else {
            synchronized (this) {
                if (completion != null) {
                    completion.complete(terminal);
                }
            }
        }
    }

    Thread thread() {
        return thread;
    }

    @Override
    public String toString() {
        return name + "[" + state.get() + "]";
    }
}
