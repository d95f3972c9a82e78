package dev.coda;

import dev.coda.internal.Internals;
import dev.coda.internal.files.FileBody;
import dev.coda.internal.stream.EventStream;
import dev.coda.internal.stream.StreamBody;
import dev.coda.internal.stream.Streams;
import dev.coda.tasks.BackgroundTasks;
import dev.coda.tasks.TaskFunction;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.server.HttpCookieUtils;

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
 * <p>A body can also be sent while it is produced ({@link #stream}, {@link #jsonLines}, {@link #events}), and a
 * response can set cookies ({@link #cookie(SetCookie)}, {@link #deleteCookie(String)}); see {@code docs/streaming.md}.
 *
 * @apiNote A JSON body is any value Jackson can write: records, maps, lists, strings, numbers or
 *     {@code null}. Raw bodies are given as bytes or text with their media type.
 */
// Past 400 lines: every kind of answer is a factory here, the one place users look; half of it is Javadoc examples.
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
        Internals.setResponseStreams(response -> response.body instanceof StreamBody stream ? stream : null);
        Internals.setResponseFiles(response -> response.body instanceof FileBody file ? file : null);
        Internals.setFileResponses(Response::fileResponse);
        Internals.setRawResponses((status, headers, body, contentType) -> new Response(status, body, true, contentType, List.copyOf(headers)));
    }

    /**
     * Writes a streamed body: what it writes to {@code out} reaches the client at each {@code flush()} (and whenever
     * 8 KB have gathered); a write blocks while the client is slow, and throws once the client has gone.
     */
    @FunctionalInterface
    public interface BodyWriter {
        void write(OutputStream out) throws Exception;
    }

    /** Produces server-sent events: sends them through the sink, then returns to end the stream. */
    @FunctionalInterface
    public interface EventProducer {
        void produce(EventSink events) throws Exception;
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

    /**
     * {@code 200 OK} with a body written while it is sent, chunked: the callback writes to an {@link OutputStream}
     * and flushes when the client should see what it has so far. It runs on the request's virtual thread, which a
     * slow client blocks (nothing piles up in memory); once the client has gone, its next write throws. An exception
     * before anything was sent answers {@code 500}; after, it cuts the response short (the client sees a truncated
     * body) and is logged once. The request's background tasks run once the body has ended.
     *
     * <pre>{@code
     * @Get("/report.csv")
     * public Response report() {
     *     return Response.stream("text/csv", out -> {
     *         for (var row : rows()) {
     *             out.write((row.id() + "," + row.total() + "\n").getBytes(StandardCharsets.UTF_8));
     *             out.flush();
     *         }
     *     });
     * }
     * }</pre>
     */
    public static Response stream(String contentType, BodyWriter writer) {
        return streamed(contentType, Streams.writer(Objects.requireNonNull(writer, "writer")));
    }

    /**
     * {@code 200 OK} with the content of {@code in}, sent as it is read (each read flushed) and closed at the end,
     * also when the client goes away or the response is never written (a HEAD request).
     *
     * <pre>{@code
     * return Response.stream("text/plain; charset=utf-8", process.getInputStream());
     * }</pre>
     */
    public static Response stream(String contentType, InputStream in) {
        return streamed(contentType, Streams.input(Objects.requireNonNull(in, "in")));
    }

    /**
     * {@code 200 OK} with the chunks of {@code chunks} ({@code byte[]}, or text sent in UTF-8), each flushed as it
     * comes; the stream is closed at the end, also when the client goes away.
     *
     * <pre>{@code
     * return Response.stream("text/plain; charset=utf-8", words.stream().map(w -> w + "\n"));
     * }</pre>
     */
    public static Response stream(String contentType, Stream<?> chunks) {
        Objects.requireNonNull(chunks, "chunks");
        return streamed(contentType, Streams.chunks(chunks.iterator(), chunks));
    }

    /** As {@link #stream(String, Stream)}, from an iterator (closed at the end if it is {@link AutoCloseable}). */
    public static Response stream(String contentType, Iterator<?> chunks) {
        Objects.requireNonNull(chunks, "chunks");
        return streamed(contentType, Streams.chunks(chunks, chunks instanceof AutoCloseable c ? c : null));
    }

    /**
     * {@code 200 OK} with JSON Lines ({@code application/jsonl}, FastAPI's streamed JSON): each value written with
     * the app's mapper on a line of its own and flushed; the stream closed at the end.
     *
     * <pre>{@code
     * @Get("/items/stream")
     * public Response items() {
     *     return Response.jsonLines(repository.findAll());    // a Stream<Item>, read as it is sent
     * }
     * }</pre>
     */
    public static Response jsonLines(Stream<?> values) {
        return streamed("application/jsonl", Streams.jsonLines(Objects.requireNonNull(values, "values")));
    }

    /**
     * {@code 200 OK} with server-sent events ({@code text/event-stream}, FastAPI's {@code EventSourceResponse}) from a
     * producer; the headers go at once, with {@code Cache-Control: no-cache} and {@code X-Accel-Buffering: no} (so
     * that nginx does not hold events back). While the producer sends nothing, a keep-alive comment {@code : ping}
     * goes out every 15 seconds ({@code Coda.Builder.eventKeepAlive}). A reconnecting browser's
     * {@code Last-Event-ID} is an ordinary header parameter.
     *
     * <pre>{@code
     * @Get("/items/stream")
     * public Response items(@Header("Last-Event-ID") Optional<Integer> lastEventId) {
     *     int start = lastEventId.map(id -> id + 1).orElse(0);
     *     return Response.events(sink -> {
     *         for (int i = start; i < items.size(); i++) {
     *             sink.send(ServerSentEvent.data(items.get(i)).withId(String.valueOf(i)));
     *         }
     *     });
     * }
     * }</pre>
     */
    public static Response events(EventProducer producer) {
        return eventStream(EventStream.of(Objects.requireNonNull(producer, "producer")));
    }

    /**
     * As {@link #events(EventProducer)}, from a stream: {@link ServerSentEvent}s as they are, any other value as an
     * event whose data is that value as JSON; the stream closed at the end.
     *
     * <pre>{@code
     * return Response.events(items.stream());        // data: {"name":"Plumbus","price":32.99}
     * }</pre>
     */
    public static Response events(Stream<?> events) {
        return eventStream(EventStream.of(Objects.requireNonNull(events, "events")));
    }

    private static Response eventStream(EventStream body) {
        return streamed("text/event-stream", body).header("Cache-Control", "no-cache").header("X-Accel-Buffering", "no");
    }

    private static Response streamed(String contentType, StreamBody body) {
        return new Response(200, body, true, Objects.requireNonNull(contentType, "contentType"), List.of());
    }

    /**
     * {@code 200 OK} with the content of a file, Starlette's {@code FileResponse}: its media type from its name,
     * {@code Content-Length}, {@code Last-Modified} and an {@code ETag}; a conditional request answered {@code 304}, a
     * {@code Range} {@code 206} (several ranges as {@code multipart/byteranges}, none satisfiable {@code 416}), HEAD without
     * the body. The file is read when the answer is sent, into pooled buffers as fast as the client takes them, never whole.
     * A file missing by then is a {@code 404} (see {@code docs/files.md}).
     *
     * <pre>{@code
     * @Get("/reports/{name}")
     * public Response report(String name) {
     *     return Response.file(reports.resolve(name + ".pdf"));     // application/pdf
     * }
     * }</pre>
     */
    public static Response file(Path path) {
        return file(path, null);
    }

    /** As {@link #file(Path)}, with the given media type ({@code null}: the one its name suggests). */
    public static Response file(Path path, String contentType) {
        return fileResponse(FileBody.of(Objects.requireNonNull(path, "path"), contentType, null, null));
    }

    /**
     * As {@link #file(Path)}, as a download saved under {@code filename}: {@code Content-Disposition: attachment;
     * filename="report.pdf"}, or {@code filename*=utf-8''…} (RFC 5987) for a name with other characters, as Starlette
     * writes it; the media type from {@code filename}.
     *
     * <pre>{@code
     * return Response.download(Path.of("/var/exports/7.csv"), "Ventes été.csv");
     * }</pre>
     */
    public static Response download(Path path, String filename) {
        return download(path, filename, null);
    }

    /** As {@link #download(Path, String)}, with the given media type ({@code null}: the one {@code filename} suggests). */
    public static Response download(Path path, String filename, String contentType) {
        Objects.requireNonNull(filename, "filename");
        return fileResponse(FileBody.of(Objects.requireNonNull(path, "path"), contentType, "attachment", filename));
    }

    private static Response fileResponse(FileBody file) {
        var response = new Response(200, file, true, file.contentType(), List.of());
        return file.disposition() == null ? response : response.header("Content-Disposition", file.disposition());
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
     * This response with a {@code Set-Cookie} header for {@code cookie}, formatted by Jetty (RFC 6265); several
     * cookies make several headers.
     *
     * <pre>{@code
     * return Response.ok(Map.of("ok", true)).cookie(SetCookie.of("session", token).httpOnly(true).secure(true));
     * }</pre>
     *
     * @throws IllegalArgumentException if the name or the value has characters a cookie cannot carry
     */
    public Response cookie(SetCookie cookie) {
        var builder = HttpCookie.build(cookie.name(), cookie.value())
                .path(cookie.path()).domain(cookie.domain()).secure(cookie.secure()).httpOnly(cookie.httpOnly())
                .partitioned(cookie.partitioned());
        if (cookie.maxAge() != null) {
            builder.maxAge(cookie.maxAge().toSeconds());
        }
        if (cookie.sameSite() != null) {
            builder.sameSite(HttpCookie.SameSite.valueOf(cookie.sameSite().name()));
        }
        var text = HttpCookieUtils.getRFC6265SetCookie(builder.build());
        if (cookie.expires() != null && cookie.maxAge() == null) {
            text += "; Expires=" + HttpCookie.formatExpires(cookie.expires());   // Jetty writes Expires only from Max-Age
        }
        return header("Set-Cookie", text);
    }

    /** This response with a session cookie {@code name=value} ({@code Path=/}, {@code SameSite=Lax}), Starlette's defaults. */
    public Response cookie(String name, String value) {
        return cookie(SetCookie.of(name, value));
    }

    /** This response telling the client to delete the cookie {@code name} of path {@code /}, Starlette's {@code delete_cookie}. */
    public Response deleteCookie(String name) {
        return deleteCookie(name, "/", null);
    }

    /**
     * This response telling the client to delete a cookie: an empty value that expires at once. {@code path} and
     * {@code domain} must be those it was set with ({@code null} for none), or the browser keeps it.
     */
    public Response deleteCookie(String name, String path, String domain) {
        return cookie(SetCookie.of(name, "").path(path).domain(domain).maxAge(java.time.Duration.ZERO));
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

    /** The body: the value to write as JSON, or a {@code byte[]} when {@link #isRaw()}; {@code null} when {@linkplain #isStreamed() streamed} or a file. */
    public Object body() {
        if (body instanceof StreamBody || body instanceof FileBody) {
            return null;
        }
        return raw && body instanceof byte[] bytes ? bytes.clone() : body;
    }

    /** Whether the body is produced while it is sent ({@link #stream}, {@link #jsonLines}, {@link #events}). */
    public boolean isStreamed() {
        return body instanceof StreamBody;
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
