package dev.coda.tasks;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One call of a task, as a durable engine stores it: the task's name, the method it names, the
 * arguments, and the options. Built by {@link BackgroundTasks} for durable tasks, or directly with
 * {@code of(...)} for an engine's transactional enqueue.
 *
 * <pre>{@code
 * TaskCall call = TaskCall.of(FileJobs::process, fileId);
 * call.name();         // "FileJobs.process"
 * call.arguments();    // [fileId]
 * }</pre>
 *
 * @param name the task's name: {@code SimpleClassName.method}
 * @param declaringClass the binary name of the class declaring the method
 * @param method the method's name
 * @param arguments the arguments, in order (may contain {@code null})
 * @param options queue, priority, delay, uniqueness, attempts, timeout
 * @param plainMethodReference whether the task is a method reference capturing nothing (a static method,
 *     or an unbound instance method): only those can be run from a name on another machine
 * @param id the id the task should be stored under (the id its {@link TaskHandle} already shows), or
 *     {@code null} to let the engine choose; an engine may answer with another id for a task whose unique
 *     key is held by an existing task
 * @param context what the engine stores with the call besides its arguments: the route ({@link #ROUTE}) and request
 *     id ({@link #REQUEST_ID}) of the request that added it; empty for none (the trace context is added when it is stored)
 */
public record TaskCall(String name, String declaringClass, String method, List<Object> arguments, TaskOptions options,
                       boolean plainMethodReference, String id, Map<String, String> context) {

    /** The context key of the route template, with its method, of the request that added the call: {@code POST /files}. */
    public static final String ROUTE = "coda.route";
    /** The context key of the id of the request that added the call. */
    public static final String REQUEST_ID = "coda.request_id";

    public TaskCall {
        Objects.requireNonNull(name, "name");
        arguments = Collections.unmodifiableList(Arrays.asList(arguments.toArray()));
        Objects.requireNonNull(options, "options");
        context = context == null ? Map.of() : Map.copyOf(context);
    }

    /** A call without context. */
    public TaskCall(String name, String declaringClass, String method, List<Object> arguments, TaskOptions options,
                    boolean plainMethodReference, String id) {
        this(name, declaringClass, method, arguments, options, plainMethodReference, id, null);
    }

    /** A call the engine chooses the id of. */
    public TaskCall(String name, String declaringClass, String method, List<Object> arguments, TaskOptions options,
                    boolean plainMethodReference) {
        this(name, declaringClass, method, arguments, options, plainMethodReference, null);
    }

    /** This call with other options (queue, priority, delay, uniqueness, attempts, timeout). */
    public TaskCall withOptions(TaskOptions newOptions) {
        return new TaskCall(name, declaringClass, method, arguments, newOptions, plainMethodReference, id, context);
    }

    /**
     * This call with the route and id of the request that added it in its context ({@code null}s left out).
     *
     * <pre>{@code
     * durable.enqueue(TaskCall.of(Reports::build, reportId).withRequest("POST /reports", request.id()));
     * }</pre>
     */
    public TaskCall withRequest(String route, String requestId) {
        var out = new HashMap<>(context);
        if (route != null) {
            out.put(ROUTE, route);
        }
        if (requestId != null) {
            out.put(REQUEST_ID, requestId);
        }
        return new TaskCall(name, declaringClass, method, arguments, options, plainMethodReference, id, out);
    }

    static TaskCall from(Invocation invocation, TaskOptions options) {
        return from(invocation, options, null);
    }

    static TaskCall from(Invocation invocation, TaskOptions options, String id) {
        var n = invocation.name();
        return new TaskCall(n.name(), n.declaringClass(), n.method(), Arrays.asList(invocation.args()), options,
                n.methodReference() && !n.capturing(), id);
    }

    /** The call of {@code task} with these arguments and default options. */
    public static TaskCall of(TaskFunction.Of0 task) {
        return from(Invocation.of(task, new Object[] {}), TaskOptions.DEFAULT);
    }

    /** The call of {@code task} with these arguments and default options. */
    public static TaskCall of(TaskFunction.AsyncOf0 task) {
        return from(Invocation.of(task, new Object[] {}), TaskOptions.DEFAULT);
    }

    /** The call of {@code task} with these arguments and default options. */
    public static <A> TaskCall of(TaskFunction.Of1<A> task, A a) {
        return from(Invocation.of(task, new Object[] {a}), TaskOptions.DEFAULT);
    }

    /** The call of {@code task} with these arguments and default options. */
    public static <A> TaskCall of(TaskFunction.AsyncOf1<A> task, A a) {
        return from(Invocation.of(task, new Object[] {a}), TaskOptions.DEFAULT);
    }

    /** The call of {@code task} with these arguments and default options. */
    public static <A, B> TaskCall of(TaskFunction.Of2<A, B> task, A a, B b) {
        return from(Invocation.of(task, new Object[] {a, b}), TaskOptions.DEFAULT);
    }

    /** The call of {@code task} with these arguments and default options. */
    public static <A, B> TaskCall of(TaskFunction.AsyncOf2<A, B> task, A a, B b) {
        return from(Invocation.of(task, new Object[] {a, b}), TaskOptions.DEFAULT);
    }

    /** The call of {@code task} with these arguments and default options. */
    public static <A, B, C> TaskCall of(TaskFunction.Of3<A, B, C> task, A a, B b, C c) {
        return from(Invocation.of(task, new Object[] {a, b, c}), TaskOptions.DEFAULT);
    }

    /** The call of {@code task} with these arguments and default options. */
    public static <A, B, C> TaskCall of(TaskFunction.AsyncOf3<A, B, C> task, A a, B b, C c) {
        return from(Invocation.of(task, new Object[] {a, b, c}), TaskOptions.DEFAULT);
    }

    /** The call of {@code task} with these arguments and default options. */
    public static <A, B, C, D> TaskCall of(TaskFunction.Of4<A, B, C, D> task, A a, B b, C c, D d) {
        return from(Invocation.of(task, new Object[] {a, b, c, d}), TaskOptions.DEFAULT);
    }

    /** The call of {@code task} with these arguments and default options. */
    public static <A, B, C, D> TaskCall of(TaskFunction.AsyncOf4<A, B, C, D> task, A a, B b, C c, D d) {
        return from(Invocation.of(task, new Object[] {a, b, c, d}), TaskOptions.DEFAULT);
    }

    /** The call of {@code task} with these arguments and default options. */
    public static <A, B, C, D, E> TaskCall of(TaskFunction.Of5<A, B, C, D, E> task, A a, B b, C c, D d, E e) {
        return from(Invocation.of(task, new Object[] {a, b, c, d, e}), TaskOptions.DEFAULT);
    }

    /** The call of {@code task} with these arguments and default options. */
    public static <A, B, C, D, E> TaskCall of(TaskFunction.AsyncOf5<A, B, C, D, E> task, A a, B b, C c, D d, E e) {
        return from(Invocation.of(task, new Object[] {a, b, c, d, e}), TaskOptions.DEFAULT);
    }
}
