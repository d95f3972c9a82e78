package dev.coda.durable.internal;

import dev.coda.durable.TaskEngine.ClaimedTask;
import dev.coda.durable.TaskEngine.Completion;
import dev.coda.durable.internal.WorkerMetrics.TaskMeters;
import dev.coda.tasks.ContextPropagator;
import dev.coda.tasks.TaskErrorHandler;
import dev.coda.tasks.internal.TaskThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One claimed task in this worker, from its claim to its outcome: binds its arguments, runs its method
 * with its id, name and attempt in the MDC and its timeout armed, awaits a returned stage, and hands the
 * {@link Completion} that {@link Outcomes} decides to the {@link CompletionRecorder}.
 *
 * <p>Its {@link Phase} moves only as {@link Phase#mayBecome} allows; whoever wins a move owns what follows
 * (the task's thread records an outcome, the timeout fails it, a lost lease or the shutdown abandons it).
 *
 * <pre>{@code
 * var execution = new TaskExecution(claimed, poller, setup);
 * if (execution.begin()) threads.execute(execution::run);
 * }</pre>
 */
public final class TaskExecution {

    private static final Logger LOG = LoggerFactory.getLogger("dev.coda.durable");

    /**
     * What the worker gives every execution.
     *
     * @param timeouts a task name's registered timeout, else the worker's; {@code null} for none
     * @param errorHandler told of every failed attempt, or {@code null}
     * @param propagators contexts made current around each task's method
     */
    public record Setup(String workerId, Function<String, TaskMethod> methods, Supplier<Set<String>> names,
            Function<String, Duration> timeouts, WorkerMetrics metrics, Outcomes outcomes, CompletionRecorder recorder,
            TaskThreads threads, ScheduledExecutorService timer, TaskErrorHandler errorHandler,
            List<ContextPropagator> propagators) {
    }

    /** Where an execution is; DONE and ABANDONED are final. */
    enum Phase {
        /** Claimed, waiting in its queue's buffer for a free slot. */
        BUFFERED,
        /** Its method runs (or is about to) on a task thread. */
        RUNNING,
        /** Its outcome is decided: its thread (or the timeout) records it. */
        DONE,
        /** Given up here (lease lost, timed out, shutdown): nothing more is recorded for it by its thread. */
        ABANDONED;

        /** The only moves: a buffered task starts, ends unstarted or is abandoned; a running one ends or is abandoned. */
        boolean mayBecome(Phase next) {
            return switch (this) {
                case BUFFERED -> next != BUFFERED;
                case RUNNING -> next == DONE || next == ABANDONED;
                case DONE, ABANDONED -> false;
            };
        }
    }

    private final ClaimedTask task;
    private final QueuePoller poller;
    private final Setup setup;
    private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.BUFFERED);
    private Thread thread;
    private volatile String abandonedBecause;
    private volatile TaskMeters meters;

    TaskExecution(ClaimedTask task, QueuePoller poller, Setup setup) {
        this.task = task;
        this.poller = poller;
        this.setup = setup;
    }

    ClaimedTask task() {
        return task;
    }

    QueuePoller poller() {
        return poller;
    }

    private boolean move(Phase from, Phase to) {
        assert from.mayBecome(to) : from + " -> " + to;
        return phase.compareAndSet(from, to);
    }

    /** Takes a free slot: BUFFERED to RUNNING. */
    boolean begin() {
        return move(Phase.BUFFERED, Phase.RUNNING);
    }

    /** Its outcome is known without running it (a worker lost on the last attempt). */
    boolean endUnstarted() {
        return move(Phase.BUFFERED, Phase.DONE);
    }

    /** Gives up a task that has not started. */
    boolean abandonBuffered(String because) {
        if (!move(Phase.BUFFERED, Phase.ABANDONED)) {
            return false;
        }
        abandonedBecause = because;
        return true;
    }

    /** Gives up a running task and interrupts its thread; its outcome will not be recorded by that thread. */
    boolean abandonRunning(String because) {
        if (!move(Phase.RUNNING, Phase.ABANDONED)) {
            return false;
        }
        abandonedBecause = because;
        interrupt();
        return true;
    }

    /** Runs the task on the calling (task) thread, then frees its slot in the queue. */
    void run() {
        attach();
        MDC.put("task.id", task.id());
        MDC.put("task.name", task.name());
        MDC.put("task.attempt", Integer.toString(task.attempt()));
        try {
            if (phase.get() != Phase.RUNNING) {
                return; // lost its lease before it started
            }
            var method = setup.methods().apply(task.name());
            if (method == null) {
                var known = setup.names().get();
                cannotRun("unknown_task", "unknown task name '" + task.name() + "': no task of that name is registered on worker "
                        + setup.workerId() + " (registered: " + (known.size() > 20 ? known.size() + " names" : known) + "); not run");
                return;
            }
            Object[] arguments;
            try {
                arguments = method.bind(task.argumentsJson());
            } catch (TaskMethod.BindException e) {
                cannotRun("bad_arguments", "arguments that do not bind: " + e.getMessage() + "; not run");
                return;
            }
            var m = setup.metrics().of(task);
            meters = m;
            m.started.increment();
            setup.outcomes().started(task);
            if (LOG.isDebugEnabled()) {
                LOG.debug("Started durable task {} ({}), attempt {} of {}", task.name(), task.id(), task.attempt(), task.maxAttempts());
            }
            var limit = task.timeout() != null ? task.timeout() : setup.timeouts().apply(task.name());
            long started = System.nanoTime();
            ScheduledFuture<?> timeout = limit == null ? null : scheduleTimeout(started, limit);
            Object value;
            Throwable failure = null;
            var span = TaskSpans.run(task);
            try {
                value = invokeInContexts(method, arguments);
            } catch (ExecutionException e) {
                value = null;
                failure = e.getCause() != null ? e.getCause() : e;
            } catch (Throwable t) {
                value = null;
                failure = t;
            } finally {
                if (timeout != null) {
                    timeout.cancel(false);
                }
                if (span != null) {
                    span.end(failure);
                }
            }
            long nanos = System.nanoTime() - started;
            if (!move(Phase.RUNNING, Phase.DONE)) {
                LOG.debug("Durable task {} ({}) ended after it was {}; its outcome is not recorded", task.name(), task.id(),
                        abandonedBecause);
                return;
            }
            setup.recorder().record(this, failure == null
                    ? setup.outcomes().succeeded(task, m, value, nanos)
                    : setup.outcomes().failed(task, m, failure, nanos, "error"));
            if (failure != null) {
                notifyErrorHandler(failure);
            }
        } finally {
            MDC.remove("task.id");
            MDC.remove("task.name");
            MDC.remove("task.attempt");
            detach();
            Thread.interrupted();        // the thread is reused: an interrupt meant for this task must not reach the next
            poller.taskEnded();
        }
    }

    /** Calls the method (awaiting a returned stage) with the propagators' contexts current, closed after in reverse order. */
    private Object invokeInContexts(TaskMethod method, Object[] arguments) throws Throwable {
        if (setup.propagators().isEmpty()) {
            return awaited(method.invoke(arguments));
        }
        var active = new ArrayList<AutoCloseable>(setup.propagators().size());
        try {
            for (var propagator : setup.propagators()) {
                active.add(propagator.capture().activate());
            }
            return awaited(method.invoke(arguments));
        } finally {
            for (int i = active.size() - 1; i >= 0; i--) {
                try {
                    active.get(i).close();
                } catch (Exception e) {
                    LOG.warn("Closing a task context failed for durable task {} ({})", task.name(), task.id(), e);
                }
            }
        }
    }

    /** A returned stage's value (a task returning one runs until it completes), else {@code value}. */
    private static Object awaited(Object value) throws Exception {
        return value instanceof CompletionStage<?> stage ? stage.toCompletableFuture().get() : value;
    }

    private void notifyErrorHandler(Throwable failure) {
        var handler = setup.errorHandler();
        if (handler == null) {
            return;
        }
        try {
            handler.onFailure(new FailedAttempt(task.id(), task.name(), failure), failure);
        } catch (Throwable t) {
            LOG.warn("The task error handler failed for durable task {} ({})", task.name(), task.id(), t);
        }
    }

    private void cannotRun(String reason, String error) {
        if (move(Phase.RUNNING, Phase.DONE)) {
            setup.recorder().record(this, setup.outcomes().cannotRun(task, reason, error));
        }
    }

    private ScheduledFuture<?> scheduleTimeout(long started, Duration limit) {
        try {
            return setup.timer().schedule(() -> timeOut(started, limit), limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null; // the worker stopped as the task started: it was given back, the shutdown deadline bounds it
        }
    }

    private void timeOut(long started, Duration limit) {
        if (!abandonRunning("timed out")) {
            return;
        }
        var failure = new TimeoutException("durable task " + task.name() + " timed out after " + limit.toMillis()
                + " ms and was interrupted");
        withMdc(task, () -> {
            setup.recorder().record(this, setup.outcomes().failed(task, meters, failure, System.nanoTime() - started, "timeout"));
            notifyErrorHandler(failure);
        });
    }

    private synchronized void attach() {
        thread = Thread.currentThread();
    }

    /** The task's code has returned: its thread is not interrupted on its behalf any more. */
    private synchronized void detach() {
        thread = null;
    }

    /** Interrupts the task's thread while the task still runs there. */
    private synchronized void interrupt() {
        if (thread != null) {
            thread.interrupt();
        }
    }

    /** Runs {@code action} with the task's id, name and attempt in the MDC, restoring the MDC after. */
    static void withMdc(ClaimedTask task, Runnable action) {
        var previous = MDC.getCopyOfContextMap();
        MDC.put("task.id", task.id());
        MDC.put("task.name", task.name());
        MDC.put("task.attempt", Integer.toString(task.attempt()));
        try {
            action.run();
        } finally {
            if (previous == null) {
                MDC.clear();
            } else {
                MDC.setContextMap(previous);
            }
        }
    }
}
