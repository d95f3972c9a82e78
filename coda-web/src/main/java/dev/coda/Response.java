package dev.coda;

import dev.coda.internal.Internals;
import dev.coda.tasks.BackgroundTasks;
import dev.coda.tasks.TaskFunction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * An explicit answer from a path operation: a status code, headers and a body. Return one when the
 * default (status 200, or the route's {@code status}, and the value as JSON) is not what you want.
 * Instances are immutable; every {@code with} method returns a new one.
 *
 * <pre>{@code
 * @Post("/items")
 * public Response create(Item item) {
 *     var id = store(item);
 *     return Response.created(Map.of("id", id)).header("Location", "/items/" + id);
 * }
 * }</pre>
 *
 * <p>A response can carry background tasks (the seed's "technical details"):
 * <pre>{@code
 * return Response.accepted(Map.of("id", id, "status", "queued"))
 *                .header("Location", "/files/" + id)
 *                .withTask(FileJobs::process, id);
 * }</pre>
 *
 * @apiNote A JSON body is any value Jackson can write: records, maps, lists, strings, numbers or
 *     {@code null}. Raw bodies are given as bytes or text with their media type.
 */
public final class Response {

    /** The media type of JSON bodies. */
    public static final String JSON = "application/json";

    private final int status;
    private final Object body;
    private final boolean raw;
    private final String contentType;
    private final List<Map.Entry<String, String>> headers;
    private final List<Consumer<BackgroundTasks>> tasks;

    static {
        Internals.setResponseTasks(response -> response.tasks);
    }

    private Response(int status, Object body, boolean raw, String contentType, List<Map.Entry<String, String>> headers) {
        this(status, body, raw, contentType, headers, List.of());
    }

    private Response(int status, Object body, boolean raw, String contentType, List<Map.Entry<String, String>> headers,
                     List<Consumer<BackgroundTasks>> tasks) {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("Not an HTTP status code: " + status);
        }
        this.status = status;
        this.body = body;
        this.raw = raw;
        this.contentType = contentType;
        this.headers = headers;
        this.tasks = tasks;
    }

    /** {@code 200 OK} with {@code body} as JSON. */
    public static Response ok(Object body) {
        return json(200, body);
    }

    /** {@code 201 Created} with {@code body} as JSON. */
    public static Response created(Object body) {
        return json(201, body);
    }

    /** {@code 202 Accepted} with {@code body} as JSON: the work will happen later. */
    public static Response accepted(Object body) {
        return json(202, body);
    }

    /** {@code 204 No Content}, without a body. */
    public static Response noContent() {
        return empty(204);
    }

    /** The given status with {@code body} as JSON. */
    public static Response json(int status, Object body) {
        return new Response(status, body, false, JSON, List.of());
    }

    /** The given status without a body. */
    public static Response empty(int status) {
        return new Response(status, null, true, null, List.of());
    }

    /** {@code 200 OK} with a {@code text/plain} body in UTF-8. */
    public static Response text(String text) {
        return bytes(text.getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8");
    }

    /** {@code 200 OK} with an {@code text/html} body in UTF-8. */
    public static Response html(String html) {
        return bytes(html.getBytes(StandardCharsets.UTF_8), "text/html; charset=utf-8");
    }

    /** {@code 200 OK} with raw bytes of the given media type. */
    public static Response bytes(byte[] body, String contentType) {
        return new Response(200, body.clone(), true, Objects.requireNonNull(contentType, "contentType"), List.of());
    }

    /** {@code 307 Temporary Redirect} to {@code location}. */
    public static Response redirect(String location) {
        return empty(307).header("Location", location);
    }

    /** This response with another status code. */
    public Response withStatus(int newStatus) {
        return new Response(newStatus, body, raw, contentType, headers, tasks);
    }

    /** This response with one more header (headers may repeat, e.g. {@code Set-Cookie}). */
    public Response header(String name, String value) {
        var more = new ArrayList<>(headers);
        more.add(Map.entry(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value")));
        return new Response(status, body, raw, contentType, List.copyOf(more), tasks);
    }

    /**
     * This response with background tasks attached, Starlette's {@code Response(background=...)}. They are
     * merged with the tasks the request added through its {@link BackgroundTasks} parameter and run after
     * them, never instead of them.
     *
     * <pre>{@code
     * return Response.accepted(Map.of("id", id)).withTasks(tasks -> tasks.always().addTask(Audit::upload, id));
     * }</pre>
     */
    public Response withTasks(Consumer<BackgroundTasks> adder) {
        var more = new ArrayList<>(tasks);
        more.add(Objects.requireNonNull(adder, "adder"));
        return new Response(status, body, raw, contentType, headers, List.copyOf(more));
    }

    /** This response with a background task attached, run after the tasks the request added through {@link BackgroundTasks}. */
    public Response withTask(TaskFunction.Of0 task) {
        Objects.requireNonNull(task, "task");
        return withTasks(tasks -> tasks.addTask(task));
    }

    /** This response with a background task attached, run after the tasks the request added through {@link BackgroundTasks}. */
    public Response withTask(TaskFunction.AsyncOf0 task) {
        Objects.requireNonNull(task, "task");
        return withTasks(tasks -> tasks.addTask(task));
    }

    /** This response with a background task attached, run after the tasks the request added through {@link BackgroundTasks}. */
    public <A> Response withTask(TaskFunction.Of1<A> task, A a) {
        Objects.requireNonNull(task, "task");
        return withTasks(tasks -> tasks.addTask(task, a));
    }

    /** This response with a background task attached, run after the tasks the request added through {@link BackgroundTasks}. */
    public <A> Response withTask(TaskFunction.AsyncOf1<A> task, A a) {
        Objects.requireNonNull(task, "task");
        return withTasks(tasks -> tasks.addTask(task, a));
    }

    /** This response with a background task attached, run after the tasks the request added through {@link BackgroundTasks}. */
    public <A, B> Response withTask(TaskFunction.Of2<A, B> task, A a, B b) {
        Objects.requireNonNull(task, "task");
        return withTasks(tasks -> tasks.addTask(task, a, b));
    }

    /** This response with a background task attached, run after the tasks the request added through {@link BackgroundTasks}. */
    public <A, B> Response withTask(TaskFunction.AsyncOf2<A, B> task, A a, B b) {
        Objects.requireNonNull(task, "task");
        return withTasks(tasks -> tasks.addTask(task, a, b));
    }

    /** This response with a background task attached, run after the tasks the request added through {@link BackgroundTasks}. */
    public <A, B, C> Response withTask(TaskFunction.Of3<A, B, C> task, A a, B b, C c) {
        Objects.requireNonNull(task, "task");
        return withTasks(tasks -> tasks.addTask(task, a, b, c));
    }

    /** This response with a background task attached, run after the tasks the request added through {@link BackgroundTasks}. */
    public <A, B, C> Response withTask(TaskFunction.AsyncOf3<A, B, C> task, A a, B b, C c) {
        Objects.requireNonNull(task, "task");
        return withTasks(tasks -> tasks.addTask(task, a, b, c));
    }

    /** This response with a background task attached, run after the tasks the request added through {@link BackgroundTasks}. */
    public <A, B, C, D> Response withTask(TaskFunction.Of4<A, B, C, D> task, A a, B b, C c, D d) {
        Objects.requireNonNull(task, "task");
        return withTasks(tasks -> tasks.addTask(task, a, b, c, d));
    }

    /** This response with a background task attached, run after the tasks the request added through {@link BackgroundTasks}. */
    public <A, B, C, D> Response withTask(TaskFunction.AsyncOf4<A, B, C, D> task, A a, B b, C c, D d) {
        Objects.requireNonNull(task, "task");
        return withTasks(tasks -> tasks.addTask(task, a, b, c, d));
    }

    /** This response with a background task attached, run after the tasks the request added through {@link BackgroundTasks}. */
    public <A, B, C, D, E> Response withTask(TaskFunction.Of5<A, B, C, D, E> task, A a, B b, C c, D d, E e) {
        Objects.requireNonNull(task, "task");
        return withTasks(tasks -> tasks.addTask(task, a, b, c, d, e));
    }

    /** This response with a background task attached, run after the tasks the request added through {@link BackgroundTasks}. */
    public <A, B, C, D, E> Response withTask(TaskFunction.AsyncOf5<A, B, C, D, E> task, A a, B b, C c, D d, E e) {
        Objects.requireNonNull(task, "task");
        return withTasks(tasks -> tasks.addTask(task, a, b, c, d, e));
    }

    /** The status code. */
    public int status() {
        return status;
    }

    /** The headers added with {@link #header}, in order. */
    public List<Map.Entry<String, String>> headers() {
        return headers;
    }

    /** The first value of a header added with {@link #header}. */
    public Optional<String> header(String name) {
        return headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst();
    }

    /** The body: the value to write as JSON, or a {@code byte[]} when {@link #isRaw()}. */
    public Object body() {
        return raw && body instanceof byte[] bytes ? bytes.clone() : body;
    }

    /** Whether the body is raw bytes (or absent) rather than a value written as JSON. */
    public boolean isRaw() {
        return raw;
    }

    /** The media type of the body, or empty when there is no body. */
    public Optional<String> contentType() {
        return Optional.ofNullable(contentType);
    }

    @Override
    public String toString() {
        return "Response[" + status + (contentType == null ? "" : ", " + contentType) + "]";
    }
}
