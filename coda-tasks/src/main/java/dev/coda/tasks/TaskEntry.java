package dev.coda.tasks;

import dev.coda.tasks.internal.TaskIds;
import dev.coda.tasks.internal.Tracing;
import io.opentelemetry.context.Context;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** One added task: what to call, when, and its state; a step of its task list on its own, or a member of a parallel group. */
final class TaskEntry implements TaskHandle, TaskList.Step {

    private record Status(TaskState state, Throwable failure) {
    }

    private static final Status QUEUED = new Status(TaskState.QUEUED, null);
    private static final Status RUNNING = new Status(TaskState.RUNNING, null);
    private static final Status SUCCEEDED = new Status(TaskState.SUCCEEDED, null);
    private static final VarHandle STATUS;
    private static final VarHandle ID;

    static {
        try {
            STATUS = MethodHandles.lookup().findVarHandle(TaskEntry.class, "status", Status.class);
            ID = MethodHandles.lookup().findVarHandle(TaskEntry.class, "id", String.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final TaskList taskList;
    final Invocation invocation;
    final Phase phase;
    final Duration timeout;
    final TaskOptions options;
    final boolean durable;
    private volatile String durableId;
    /** The MDC of the {@code addTask} call, immutable (shared with the tasks added under the same MDC; see {@link MdcSnapshots}). */
    final Map<String, String> mdc;
    final List<ContextPropagator.Snapshot> contexts;
    /** The OpenTelemetry context of the {@code addTask} call, {@code null} without an SDK (see {@link Tracing}). */
    final Context trace;
    private final String name;
    /**
     * The time-ordered half of the id ({@link TaskIds}), taken when the task is added; the random half and the text
     * are made on first use, once (most tasks never show their id).
     */
    private final long idTimeBits;
    private String id;
    /** The state and, once terminal, the failure: one value, so no reader sees FAILED without its failure. */
    private volatile Status status = QUEUED;
    /** Guards {@link #thread}, so that the thread is only interrupted while it runs this task's code. */
    private final Object threadLock = new Object();
    private Thread thread;
    private volatile boolean cancelRequested;
    private volatile CompletableFuture<TaskState> completion;

    TaskEntry(TaskList taskList, Invocation invocation, String name, Phase phase, Duration timeout, Map<String, String> mdc,
              List<ContextPropagator.Snapshot> contexts) {
        this(taskList, invocation, name, phase, timeout, mdc, contexts, TaskOptions.DEFAULT, false);
    }

    TaskEntry(TaskList taskList, Invocation invocation, String name, Phase phase, Duration timeout, Map<String, String> mdc,
              List<ContextPropagator.Snapshot> contexts, TaskOptions options, boolean durable) {
        this.taskList = taskList;
        this.options = options;
        this.durable = durable;
        this.invocation = invocation;
        this.name = name == null ? invocation.name().name() : name;
        this.phase = phase;
        this.timeout = timeout;
        this.mdc = mdc;
        this.contexts = contexts;
        this.trace = Tracing.enabled() ? Context.current() : null;
        this.idTimeBits = TaskIds.nextTimeBits();
    }

    @Override
    public String id() {
        var stored = durableId;
        if (stored != null) {
            return stored;
        }
        var text = (String) ID.getAcquire(this);
        if (text == null) {
            // two threads may get here at once: their random halves differ, so the first one set is everyone's
            var made = new java.util.UUID(idTimeBits, TaskIds.randomBits()).toString();
            var set = (String) ID.compareAndExchange(this, (String) null, made);
            text = set == null ? made : set;
        }
        return text;
    }

    /** The call a durable engine stores, under this handle's id. */
    TaskCall call() {
        return TaskCall.from(invocation, options, id()).withRequest(taskList.origin(), taskList.correlationId());
    }

    /** Whether a durable engine has stored this task (it then does not run in-process). */
    boolean isStored() {
        return durableId != null;
    }

    void stored(String engineId) {
        this.durableId = engineId;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public TaskState state() {
        return status.state();
    }

    @Override
    public Optional<Throwable> failure() {
        return Optional.ofNullable(status.failure());
    }

    @Override
    public boolean cancel() {
        if (STATUS.compareAndSet(this, QUEUED, new Status(TaskState.CANCELLED, new CancellationException("cancelled before it ran")))) {
            taskList.runtime().taskCancelledWhileQueued(this);
            completeWith(TaskState.CANCELLED);
            return true;
        }
        if (state() == TaskState.RUNNING) {
            cancelRequested = true;
            interrupt();
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
                    var now = state();
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
        synchronized (threadLock) {
            if (STATUS.compareAndSet(this, QUEUED, RUNNING)) {
                thread = runner;
                return true;
            }
            return false;
        }
    }

    /** The task's code has returned: from now on its thread is not interrupted on its behalf. */
    void detach() {
        synchronized (threadLock) {
            thread = null;
        }
    }

    /** Interrupts the task's thread if the task is still running its code there. */
    void interrupt() {
        synchronized (threadLock) {
            if (thread != null) {
                thread.interrupt();
            }
        }
    }

    /** Moves to a terminal state unless already terminal; returns whether this call did it. */
    boolean finish(TaskState terminal, Throwable cause) {
        var next = terminal == TaskState.SUCCEEDED && cause == null ? SUCCEEDED : new Status(terminal, cause);
        while (true) {
            var now = status;
            if (now.state().isTerminal()) {
                return false;
            }
            if (STATUS.compareAndSet(this, now, next)) {
                completeWith(terminal);
                return true;
            }
        }
    }

    /**
     * Completes the completion stage if one was asked for. No lock is needed: the state is made terminal
     * (a volatile write) before {@link #completion} is read here, and {@link #completion()} publishes the
     * stage before it reads the state, so at least one of the two sees the other and completes the stage
     * (both may: completing twice is harmless).
     */
    private void completeWith(TaskState terminal) {
        var c = completion;
        if (c != null) {
            c.complete(terminal);
        }
    }

    @Override
    public String toString() {
        return name + "[" + state() + "]";
    }
}
