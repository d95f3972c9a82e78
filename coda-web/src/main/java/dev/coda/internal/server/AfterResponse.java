package dev.coda.internal.server;

import dev.coda.tasks.BackgroundTasks;
import dev.coda.tasks.TaskRuntime;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Work that starts once Jetty has completed an exchange (the last byte written and the handler
 * returned): the request's background tasks, then its dependency resources, closed in reverse order
 * (like FastAPI's request-scoped {@code yield} dependencies, resources stay open for the tasks). The
 * completion listener only hands work over, so it never delays the response nor the next request on
 * the connection, and never runs user code itself.
 */
public class AfterResponse {

    private static final Logger LOG = LoggerFactory.getLogger("dev.coda");

    private final Executor executor;
    private final TaskRuntime tasks;

    public AfterResponse(Executor executor, TaskRuntime tasks) {
        this.executor = executor;
        this.tasks = tasks;
    }

    /**
     * Jetty or an edge layer answered a request itself (a malformed request, a preflight), without the app: there
     * is no work after it. (The test client's server, which waits for every request, is told.)
     *
     * @param requestId the request's {@code X-Request-Id}, or {@code null} when Jetty did not get as far as its headers
     * @param endPoint the connection's end point, which tells the request apart when its id is unknown
     */
    protected void answeredByServer(String requestId, Object endPoint) {
    }

    /** Whether this outcome has work to do after the response. */
    protected boolean needed(Outcome outcome) {
        var state = outcome.state();
        return state.scopedIfCreated(BackgroundTasks.class) != null || !state.cleanups().isEmpty();
    }

    /**
     * Completion listeners registered and not yet done handing their work over. Every request with work after the
     * response counts here, from whichever core it runs on, and the count is read only while stopping: a striped
     * counter, so that requests on different cores do not take one cache line from each other.
     */
    private final LongAdder pending = new LongAdder();

    /** A completion listener was registered: its work is pending until {@link #completed} has handed it over. */
    public void expect() {
        pending.increment();
    }

    /**
     * Waits until every registered completion has handed its work over, or the deadline: Jetty's graceful
     * stop counts a request as finished before its completion listener has run, and the tasks of the last
     * requests must reach the task runtime before the runtime stops accepting tasks.
     *
     * @return whether nothing is pending any more
     */
    public boolean awaitHandedOver(java.time.Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        while (pending.sum() > 0 && System.nanoTime() < end) {
            java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(5));
        }
        return pending.sum() == 0;
    }

    /** Called by Jetty's completion listener; {@code failure} is {@code null} when the response was fully sent. */
    public void completed(Outcome outcome, Throwable failure) {
        try {
            handOver(outcome, outcome.state().scopedIfCreated(BackgroundTasks.class));
        } finally {
            pending.decrement();
        }
    }

    /** Hands the request's work over: {@link #run}, without waiting for it. */
    protected void handOver(Outcome outcome, BackgroundTasks requestTasks) {
        run(outcome, requestTasks);
    }

    /** Dispatches the request's tasks to the task runtime, then closes its resources; returns when all is done. */
    public CompletionStage<Void> run(Outcome outcome, BackgroundTasks requestTasks) {
        var cleanups = outcome.state().cleanups();
        if (requestTasks == null) {
            if (cleanups.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            var closed = new CompletableFuture<Void>();
            executor.execute(() -> {
                closeResources(outcome);
                closed.complete(null);
            });
            return closed;
        }
        var done = tasks.dispatch(requestTasks, outcome.failed());
        if (cleanups.isEmpty()) {
            return done;
        }
        // On the executor, never where the tasks' end is signalled: that is this very thread when no task runs
        // (all skipped or rejected), i.e. Jetty's completion, and a blocking cleanup would hold the connection;
        // otherwise it is the task list's thread, whose slot in the runtime the cleanup must not keep.
        return done.handleAsync((v, e) -> {
            closeResources(outcome);
            return null;
        }, executor);
    }

    /** Closes the request's dependency resources, most recent first; failures are logged, and the rest still close. */
    protected void closeResources(Outcome outcome) {
        for (var cleanup : outcome.state().cleanups()) {
            try {
                cleanup.close();
            } catch (Throwable e) {   // an Error in one cleanup must not leave the others open either
                LOG.error("Closing a dependency resource of {} {} failed", outcome.state().method(), outcome.state().path(), e);
            }
        }
    }
}
