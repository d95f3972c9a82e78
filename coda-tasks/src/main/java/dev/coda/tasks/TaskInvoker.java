package dev.coda.tasks;

import dev.coda.tasks.internal.Tracing;
import io.opentelemetry.api.trace.SpanKind;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Calls one task: with the MDC and contexts captured when it was added, in a span of its own (a child of the request's),
 * and within its timeout (on another of the runtime's threads, while the caller waits). Its failure is returned, not
 * thrown; what the outcome means (counts, logs, the error handler) is {@link TaskRuntime}'s.
 *
 * <pre>{@code
 * var invoker = new TaskInvoker(threads::execute);
 * Throwable failure = invoker.call(entry);   // null: it succeeded
 * }</pre>
 */
final class TaskInvoker {

    private static final Logger LOG = LoggerFactory.getLogger("dev.coda.tasks");

    /** Starts work on one of the runtime's threads: a task with a timeout runs there while its caller waits. */
    private final Consumer<Runnable> start;

    TaskInvoker(Consumer<Runnable> start) {
        this.start = start;
    }

    /** Calls the task on this thread, or with a timeout on another; returns its failure or {@code null}. */
    Throwable call(TaskEntry entry) {
        return entry.timeout == null ? invoke(entry) : invokeWithTimeout(entry);
    }

    private Throwable invokeWithTimeout(TaskEntry entry) {
        var timed = new TimedCall(entry);
        start.accept(timed);
        try {
            return timed.result.get(entry.timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            timed.interrupt();
            return new TimeoutException("background task " + entry.name() + " did not finish within " + entry.timeout);
        } catch (InterruptedException e) {
            timed.interrupt();
            return e;
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    /**
     * A task with a timeout, on a thread of its own while its task list's thread waits for it: past the timeout the
     * task list goes on, and the task is interrupted, but only while it still runs there (the thread is reused).
     */
    private final class TimedCall implements Runnable {
        final CompletableFuture<Throwable> result = new CompletableFuture<>();
        private final TaskEntry entry;
        private Thread thread;

        TimedCall(TaskEntry entry) {
            this.entry = entry;
        }

        @Override
        public void run() {
            synchronized (this) {
                thread = Thread.currentThread();
            }
            try {
                result.complete(invoke(entry));
            } finally {
                synchronized (this) {
                    thread = null;
                }
                Thread.interrupted();
            }
        }

        synchronized void interrupt() {
            if (thread != null) {
                thread.interrupt();
            }
        }
    }

    /**
     * Calls the task with its captured context; returns its failure or {@code null}. It runs on one of the
     * runtime's own threads, whose MDC is empty before each task (a new thread's is, and every task and
     * failure log leaves it empty after itself), so there is no previous MDC to save and restore: the task's
     * is set, and cleared afterwards, which also drops whatever the task put there.
     */
    private Throwable invoke(TaskEntry entry) {
        if (entry.trace == null) {
            return invokeInContext(entry);
        }
        // the task's own span, a child of the span that added it (the request's): its context travels into the task
        var span = Tracing.startCurrent("run " + entry.name(), SpanKind.INTERNAL, entry.trace);
        span.span().setAttribute("coda.task.name", entry.name());
        Throwable failure = null;
        try {
            failure = invokeInContext(entry);
            return failure;
        } finally {
            span.end(failure);
        }
    }

    private Throwable invokeInContext(TaskEntry entry) {
        var contexts = entry.contexts;
        var scopes = contexts.isEmpty() ? null : new AutoCloseable[contexts.size()];
        int active = 0;
        try {
            if (!entry.mdc.isEmpty()) {
                MDC.setContextMap(entry.mdc);
            }
            if (scopes != null) {
                for (var snapshot : contexts) {
                    var scope = snapshot.activate();
                    scopes[active++] = scope;
                }
            }
            var result = entry.invocation.invoke();
            if (result instanceof CompletionStage<?> stage) {
                try {
                    stage.toCompletableFuture().get();
                } catch (ExecutionException e) {
                    return e.getCause() == null ? e : e.getCause();
                }
            }
            return null;
        } catch (Throwable t) {
            return t;
        } finally {
            for (int i = active - 1; i >= 0; i--) {
                try {
                    scopes[i].close();
                } catch (Exception e) {
                    LOG.warn("Restoring the context after background task {} failed", entry.name(), e);
                }
            }
            MDC.clear();
        }
    }

    /** Runs {@code action} with the task's MDC, on one of the runtime's threads (its MDC empty, as in {@link #call}). */
    static void withContext(TaskEntry entry, Runnable action) {
        try {
            if (!entry.mdc.isEmpty()) {
                MDC.setContextMap(entry.mdc);
            }
            action.run();
        } finally {
            MDC.clear();
        }
    }
}
