package dev.coda.tasks;

/**
 * Carries context from the thread that adds a task into the task. SLF4J's MDC and, with an SDK set, the OpenTelemetry
 * context (the task runs in a span of its own) are always carried; add a propagator for anything else.
 *
 * <pre>{@code
 * ContextPropagator tenant = () -> {
 *     String current = TENANT.get();                                 // captured where addTask is called
 *     return () -> { TENANT.set(current); return TENANT::remove; };  // activated around the task, closed after it
 * };
 * TaskRuntime.builder().contextPropagator(tenant);
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
