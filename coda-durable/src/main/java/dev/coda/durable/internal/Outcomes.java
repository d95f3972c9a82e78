package dev.coda.durable.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coda.durable.RetryPolicy;
import dev.coda.durable.TaskEngine.ClaimedTask;
import dev.coda.durable.TaskEngine.Completion;
import dev.coda.durable.internal.WorkerMetrics.TaskMeters;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what becomes of an attempt and says so in the logs and metrics: a success with its JSON result,
 * a failure of the task's code retried while attempts remain (the {@link RetryPolicy} gives the delay) or
 * failed for good, and tasks that cannot run at all (unknown name, arguments that do not bind, a worker
 * lost on the last attempt) failed at once with a reason tag. It also remembers the earliest retry it
 * scheduled, so that a queue's claim loop can wake for it before its poll interval ends.
 *
 * <pre>{@code
 * var outcomes = new Outcomes(RetryPolicy.DEFAULT, mapper, metrics, InstantSource.system());
 * Completion next = outcomes.failed(task, meters, exception, nanos, "error");   // Retry or Failed
 * }</pre>
 */
public final class Outcomes {

    private static final Logger LOG = LoggerFactory.getLogger("dev.coda.durable");
    private static final int MAX_ERROR_CHARS = 32_000;

    private final RetryPolicy retryPolicy;
    private final ObjectMapper mapper;
    private final WorkerMetrics metrics;
    private final InstantSource clock;
    private final AtomicLong nextRetryMillis = new AtomicLong(Long.MAX_VALUE);

    public Outcomes(RetryPolicy retryPolicy, ObjectMapper mapper, WorkerMetrics metrics, InstantSource clock) {
        this.retryPolicy = retryPolicy;
        this.mapper = mapper;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** It returned {@code value} after {@code nanos}: succeeded, with the value as JSON if it can be written. */
    Completion succeeded(ClaimedTask task, TaskMeters meters, Object value, long nanos) {
        String json = null;
        if (value != null) {
            try {
                json = mapper.writeValueAsString(value);
            } catch (Exception e) {
                LOG.warn("The result of durable task {} ({}) cannot be written as JSON; it succeeded without a stored result: {}",
                        task.name(), task.id(), e.toString());
            }
        }
        var m = meters != null ? meters : metrics.of(task);
        m.succeeded.increment();
        m.succeededDuration.record(nanos, TimeUnit.NANOSECONDS);
        if (LOG.isDebugEnabled()) {
            LOG.debug("Durable task {} ({}) succeeded in {} ms", task.name(), task.id(), TimeUnit.NANOSECONDS.toMillis(nanos));
        }
        return new Completion.Succeeded(task.id(), json);
    }

    /** A failure of the task's code (or its timeout, {@code reason}): retried while attempts remain. */
    Completion failed(ClaimedTask task, TaskMeters meters, Throwable failure, long nanos, String reason) {
        var m = meters != null ? meters : metrics.of(task);
        var error = stackTrace(failure);
        if (task.attempt() < task.maxAttempts()) {
            m.duration("retried").record(nanos, TimeUnit.NANOSECONDS);
            var delay = retryPolicy.delayAfter(task.attempt());
            var retryAt = clock.instant().plus(delay);
            nextRetryMillis.accumulateAndGet(retryAt.toEpochMilli(), Math::min);
            m.retried.increment();
            LOG.warn("Durable task {} ({}) failed on attempt {} of {}; retrying in {} ms: {}", task.name(), task.id(), task.attempt(),
                    task.maxAttempts(), delay.toMillis(), failure.toString());
            return new Completion.Retry(task.id(), error, retryAt);
        }
        m.duration("failed").record(nanos, TimeUnit.NANOSECONDS);
        m.failed(reason);
        LOG.error("Durable task {} ({}) failed for good after {} attempt(s)", task.name(), task.id(), task.attempt(), failure);
        return new Completion.Failed(task.id(), error);
    }

    /** A task that cannot run at all ({@code reason}: unknown_task, bad_arguments): the failed set at once. */
    Completion cannotRun(ClaimedTask task, String reason, String error) {
        metrics.of(task).failed(reason);
        LOG.error("Durable task {} ({}) failed for good: {}", task.name(), task.id(), error);
        return new Completion.Failed(task.id(), error);
    }

    /** A task recovered from a dead worker whose last allowed attempt it was: failed, never run again. */
    Completion workerLost(ClaimedTask task) {
        var error = "worker lost: the lease of worker " + task.lostBy() + " expired during the last allowed attempt ("
                + task.maxAttempts() + " of " + task.maxAttempts() + "); the task may have been partly run";
        metrics.of(task).failed("worker_lost");
        LOG.error("Durable task {} ({}) failed for good: {}", task.name(), task.id(), error);
        return new Completion.Failed(task.id(), error);
    }

    /** When the earliest retry this worker scheduled falls due (epoch millis), {@link Long#MAX_VALUE} for none. */
    long nextRetryMillis() {
        return nextRetryMillis.get();
    }

    /** A claim that started after {@code due} has seen that retry: forget it, unless an earlier one came meanwhile. */
    void retrySeen(long due) {
        nextRetryMillis.compareAndSet(due, Long.MAX_VALUE);
    }

    static String stackTrace(Throwable failure) {
        var out = new StringWriter();
        failure.printStackTrace(new PrintWriter(out));
        var text = out.toString();
        return text.length() <= MAX_ERROR_CHARS ? text : text.substring(0, MAX_ERROR_CHARS) + "\n\t... (truncated)";
    }
}
