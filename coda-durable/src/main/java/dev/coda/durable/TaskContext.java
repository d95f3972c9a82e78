package dev.coda.durable;

import dev.coda.tasks.TaskCall;
import java.util.Map;

/**
 * The keys of the context a durable task is stored with ({@link TaskEngine.NewTask#context}): the W3C trace context of
 * the call that stored it, and the route and request id of its request. {@link DurableTasks} fills it in; a
 * {@link Worker} runs the task in a span whose parent is that trace context; the dashboard shows it.
 *
 * <pre>{@code
 * TaskStatus status = engine.status(id).orElseThrow();
 * String route = status.context().get(TaskContext.ROUTE);           // "POST /files"
 * String traceId = TaskContext.traceId(status.context());           // "4bf92f3577b34da6a3ce929d0e0e4736", or null
 * }</pre>
 */
public final class TaskContext {

    /** The W3C {@code traceparent} of the span that stored the task. */
    public static final String TRACEPARENT = "traceparent";
    /** The W3C {@code tracestate} that goes with it, if any. */
    public static final String TRACESTATE = "tracestate";
    /** The route template of the request that stored the task, with its method: {@code POST /files}. */
    public static final String ROUTE = TaskCall.ROUTE;
    /** The id of the request that stored the task ({@code X-Request-Id}, or one Coda made). */
    public static final String REQUEST_ID = TaskCall.REQUEST_ID;

    private TaskContext() {
    }

    /** The trace id in the context's {@code traceparent} ({@code 00-<trace id>-<span id>-<flags>}), or {@code null}. */
    public static String traceId(Map<String, String> context) {
        var traceparent = context == null ? null : context.get(TRACEPARENT);
        if (traceparent == null) {
            return null;
        }
        var parts = traceparent.split("-");
        return parts.length >= 4 && parts[1].length() == 32 ? parts[1] : null;
    }
}
