package dev.coda.tasks;

/**
 * Carries context from the thread that adds a task into the task, such as a tracing span. SLF4J's MDC
 * is always carried; add a propagator for anything else.
 *
 * <pre>{@code
 * ContextPropagator tracing = () -> {
 *     Span span = Span.current();               // captured where addTask is called
 *     return () -> span.makeCurrent()::close;   // activated around the task, closed after it
 * };
 * TaskRuntime.builder().contextPropagator(tracing);
 * }</pre>
 */
@FunctionalInterface
public interface ContextPropagator {

    /** Captures the current thread's context; called in {@code addTask}. */
    Snapshot capture();

    /** A captured context. */
    @FunctionalInterface
    interface Snapshot {
        /** Makes the context current on the task's thread; closing the result restores the thread. */
        AutoCloseable activate();
    }
}
