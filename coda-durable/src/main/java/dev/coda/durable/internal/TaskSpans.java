package dev.coda.durable.internal;

import dev.coda.durable.TaskContext;
import dev.coda.durable.TaskEngine.ClaimedTask;
import dev.coda.durable.TaskEngine.NewTask;
import dev.coda.tasks.internal.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * The spans of durable tasks: a PRODUCER span {@code enqueue <task>} a stored task, under the current context (the
 * request's), whose trace context is stored with the task ({@link TaskContext#TRACEPARENT}); and on the worker a
 * CONSUMER span {@code run <task>} a run, whose parent is that stored context. Without an OpenTelemetry SDK nothing is
 * made or stored ({@link Tracing}).
 *
 * <pre>{@code
 * var enqueue = TaskSpans.enqueue(tasks);
 * try { ids = engine.enqueue(enqueue.tasks()); } catch (RuntimeException e) { enqueue.end(null, e); throw e; }
 * enqueue.end(ids, null);
 * }</pre>
 */
public final class TaskSpans {

    private TaskSpans() {
    }

    /** Tasks to store with their PRODUCER spans (started), the spans' contexts added to the tasks' contexts. */
    public record Enqueue(List<NewTask> tasks, List<Span> spans) {

        /** Ends the spans, with the ids the engine gave, or as errors. */
        public void end(List<String> ids, Throwable failure) {
            for (int i = 0; i < spans.size(); i++) {
                if (ids != null && i < ids.size()) {
                    spans.get(i).setAttribute("coda.task.id", ids.get(i));
                }
                Tracing.end(spans.get(i), failure);
            }
        }
    }

    /** Starts one PRODUCER span a task under the current context; the tasks as they are without an SDK. */
    public static Enqueue enqueue(List<NewTask> tasks) {
        if (!Tracing.enabled()) {
            return new Enqueue(tasks, List.of());
        }
        var parent = Context.current();
        var out = new ArrayList<NewTask>(tasks.size());
        var spans = new ArrayList<Span>(tasks.size());
        for (var t : tasks) {
            var span = Tracing.start("enqueue " + t.name(), SpanKind.PRODUCER, parent);
            span.setAttribute("coda.task.name", t.name());
            span.setAttribute("coda.task.queue", t.queue());
            spans.add(span);
            var context = new HashMap<>(t.context());
            context.putAll(Tracing.inject(parent.with(span)));
            out.add(new NewTask(t.name(), t.argumentsJson(), t.queue(), t.priority(), t.runAt(), t.uniqueKey(), t.maxAttempts(),
                    t.id(), t.timeout(), context));
        }
        return new Enqueue(out, spans);
    }

    /** The CONSUMER span of a run of {@code task}, current on this thread, under its stored context; {@code null} without an SDK. */
    public static Tracing.Current run(ClaimedTask task) {
        if (!Tracing.enabled()) {
            return null;
        }
        var run = Tracing.startCurrent("run " + task.name(), SpanKind.CONSUMER, Tracing.extract(task.context()));
        var span = run.span();
        span.setAttribute("coda.task.name", task.name());
        span.setAttribute("coda.task.id", task.id());
        span.setAttribute("coda.task.queue", task.queue());
        span.setAttribute("coda.task.attempt", task.attempt());
        var route = task.context().get(TaskContext.ROUTE);
        if (route != null) {
            span.setAttribute(TaskContext.ROUTE, route);
        }
        var requestId = task.context().get(TaskContext.REQUEST_ID);
        if (requestId != null) {
            span.setAttribute(TaskContext.REQUEST_ID, requestId);
        }
        return run;
    }
}
