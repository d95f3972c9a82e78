package dev.coda.internal.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.coda.ExceptionHandler;
import dev.coda.HttpException;
import dev.coda.RequestValidationException;
import dev.coda.Response;
import dev.coda.internal.Internals;
import dev.coda.internal.binding.JsonSyntax;
import dev.coda.internal.files.FileBody;
import dev.coda.tasks.BackgroundTasks;
import dev.coda.tasks.TaskRuntime;
import dev.coda.tasks.TasksUnavailableException;
import dev.coda.tasks.internal.SummarizedLog;
import dev.coda.internal.inject.HttpInput;
import dev.coda.internal.inject.RequestState;
import dev.coda.internal.routing.Router;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.event.Level;

/**
 * The compiled application: routes one request, binds it, calls the path operation and turns the
 * result or the exception into an {@link Outcome}. Independent of the HTTP server.
 *
 * @implNote Just past 400 lines: routing, rendering and the error answers are the one path of a request to its outcome,
 *     and the middleware ({@link MiddlewareStack}) and the JSON syntax errors ({@code JsonSyntax}) already live apart.
 */
public final class Application {

    private static final Logger LOG = LoggerFactory.getLogger("dev.coda");
    private static final byte[] NO_BODY = new byte[0];
    private static final byte[] UNAVAILABLE = "{\"detail\":\"Service Unavailable\"}".getBytes(StandardCharsets.UTF_8);
    /** Requests refused because a path operation found the tasks unavailable (a durable engine that is down). */
    private final SummarizedLog refusals = new SummarizedLog(LOG, Level.WARN, Duration.ofSeconds(10), InstantSource.system());

    /** The MDC key of the request id, set while a request is handled and carried into its background tasks. */
    public static final String REQUEST_ID = "requestId";

    private final Router<Route> router;
    private final List<Route> routes;
    private final Map<Class<?>, ExceptionHandler<?>> exceptionHandlers;
    private final ObjectMapper mapper;
    private final Settings settings;
    private final Function<RequestState, BackgroundTasks> backgroundTasks;
    private final TaskRuntime tasks;
    private final Supplier<byte[]> openapi;
    private final JsonSyntax.Limits jsonLimits;
    private final MiddlewareStack unmatched;      // the app-wide middleware, for a request no route matched; null for none

    Application(Router<Route> router, List<Route> routes, Map<Class<?>, ExceptionHandler<?>> exceptionHandlers,
                ObjectMapper mapper, Settings settings, TaskRuntime tasks, Supplier<byte[]> openapi, MiddlewareStack unmatched) {
        this(router, routes, exceptionHandlers, mapper, settings, tasks, state -> tasks.newTasks(state.origin(), state.id()), openapi,
                unmatched);
    }

    private Application(Router<Route> router, List<Route> routes, Map<Class<?>, ExceptionHandler<?>> exceptionHandlers,
                        ObjectMapper mapper, Settings settings, TaskRuntime tasks, Function<RequestState, BackgroundTasks> backgroundTasks,
                        Supplier<byte[]> openapi, MiddlewareStack unmatched) {
        this.unmatched = unmatched;
        this.tasks = tasks;
        this.router = router;
        this.routes = List.copyOf(routes);
        this.exceptionHandlers = Map.copyOf(exceptionHandlers);
        this.mapper = mapper;
        this.settings = settings;
        this.backgroundTasks = backgroundTasks;
        this.openapi = openapi;
        this.jsonLimits = JsonSyntax.Limits.of(mapper.getFactory().streamReadConstraints());
    }

    /** The same application with other settings. */
    public Application(Application other, Settings settings) {
        this(other.router, other.routes, other.exceptionHandlers, other.mapper, settings, other.tasks, other.backgroundTasks, other.openapi,
                other.unmatched);
    }

    /** The app's OpenAPI document, as {@code GET /openapi.json} serves it (its routes' document even when none is served); built once. */
    public byte[] openapi() {
        return openapi.get();
    }

    public Settings settings() {
        return settings;
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    /** Handles one request; never throws. The request id is in the MDC meanwhile, for logs and background tasks. */
    public Outcome handle(HttpInput input) {
        var match = router.match(input.method(), input.rawPath());
        var state = match instanceof Router.Found<Route> found ? routed(input, found) : new RequestState(input, Map.of());
        MDC.put(REQUEST_ID, state.id());
        var span = RequestSpan.open(input, match instanceof Router.Found<Route> found ? found.route().origin() : null, state);
        int status = 500;
        try {
            var outcome = switch (match) {
                case Router.Found<Route> found -> found.route().middleware() == null ? invoke(found.route(), state)
                        : found.route().middleware().run(state, () -> invoke(found.route(), state), this);
                case Router.WrongMethod<Route> wrong -> unmatched == null ? wrongMethod(wrong, state)
                        : unmatched.run(state, () -> wrongMethod(wrong, state), this);
                case Router.NotFound<Route> none -> unmatched == null ? notFound(input, state)
                        : unmatched.run(state, () -> notFound(input, state), this);
            };
            outcome = handOverTasks(outcome);
            status = outcome.status();
            return outcome;
        } finally {
            if (span != null) {
                span.close(status);
            }
            MDC.remove(REQUEST_ID);
        }
    }

    /**
     * Hands the request's tasks over before the response is written ({@link TaskRuntime#admit}): its durable tasks
     * are stored and its in-process tasks counted in the queue, so that an answer such as {@code 202 Accepted} means
     * "stored" and {@code 200} means "will run". If they cannot all be accepted, none is, and the answer is a
     * {@code 503} with {@code Retry-After} (a full queue, an unavailable engine), else a {@code 500}.
     */
    private Outcome handOverTasks(Outcome outcome) {
        var requestTasks = outcome.state().scopedIfCreated(BackgroundTasks.class);
        if (requestTasks == null || tasks == null) {
            return outcome;
        }
        try {
            tasks.admit(requestTasks, outcome.failed());
            return outcome;
        } catch (TasksUnavailableException e) {
            outcome.discardStream();
            return unavailable(e, outcome.state(), outcome.routed());     // the task runtime has logged it
        } catch (Exception e) {
            outcome.discardStream();
            return internalError(outcome.state(), outcome.routed());       // logged by the task runtime, with its cause
        }
    }

    private Outcome wrongMethod(Router.WrongMethod<Route> wrong, RequestState state) {
        return failure(new HttpException(405, "Method Not Allowed", Map.of("Allow", String.join(", ", wrong.allowed()))), state, false);
    }

    private static RequestState routed(HttpInput input, Router.Found<Route> found) {
        var state = new RequestState(input, found.pathParams());
        state.origin(found.route().origin());
        return state;
    }

    /**
     * Starlette's {@code redirect_slashes}: a 307 to the other slash form when only that one exists. Its Location is
     * relative (after the root path), where Starlette's is absolute on the Host header the client chose (a cache keyed without it would send
     * others to that host). A relative one starting with {@code //} or {@code /\} would name a host to a browser:
     * Jetty refuses such paths (400) before they get here, as RoutingTest checks.
     */
    private Outcome notFound(HttpInput input, RequestState state) {
        var path = input.rawPath();
        if (!path.equals("/")) {
            var other = path.endsWith("/") ? path.substring(0, path.length() - 1) : path + "/";
            if (router.hasPath(other)) {
                var query = input.queryString().isEmpty() ? "" : "?" + input.queryString();
                return new Outcome(307, List.of(Map.entry("Location", input.rootPath() + other + query)), NO_BODY, null, state, false, false, false);
            }
        }
        return failure(new HttpException(404, "Not Found"), state, false);
    }

    private Outcome invoke(Route route, RequestState state) {
        try {
            if (route.plan().readsJsonBody()) {
                readJsonBody(state);
            }
            var result = route.plan().run(state);
            return render(result, route.status(), state);
        } catch (Throwable t) {
            return failure(t, state, true);
        }
    }

    private void readJsonBody(RequestState state) {
        var bytes = state.body();
        if (bytes.length == 0) {
            return;
        }
        var contentType = state.header("Content-Type").orElse("");
        // FastAPI 0.120+'s strict_content_type: without a JSON content type the body is text, as any other type
        if (contentType.isEmpty() ? settings.strictContentType() : !isJson(contentType)) {
            state.jsonBody(TextNode.valueOf(new String(bytes, StandardCharsets.UTF_8)));
            return;
        }
        try {
            var node = mapper.readTree(bytes);
            if (node == null || node.isMissingNode()) {
                throw new java.io.EOFException("no JSON value, only whitespace");
            }
            state.jsonBody(node);
        } catch (java.io.IOException e) {
            var problem = problemOf(bytes, e);
            throw new RequestValidationException(List.of(new RequestValidationException.Error("json_invalid",
                    List.of("body", problem.position()), "JSON decode error", Map.of(), Map.of("error", problem.message()))));
        }
    }

    /**
     * Why and where Jackson refused a body: Python's message and position for a syntax error (FastAPI's answer),
     * else the limit it passes and where, else bytes that are not text.
     */
    private JsonSyntax.Problem problemOf(byte[] body, java.io.IOException e) {
        var problem = JsonSyntax.check(body, jsonLimits);
        if (problem != null) {
            return problem;
        }
        // Python would read it but Jackson does not (a surrogate written in UTF-8, a short body Python takes for
        // UTF-16): Jackson's own reason, at the character where it stopped.
        var reason = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        long offset = e instanceof JsonProcessingException j && j.getLocation() != null ? j.getLocation().getByteOffset() : 0;
        var before = new String(body, 0, (int) Math.clamp(offset, 0, body.length), StandardCharsets.UTF_8);
        return new JsonSyntax.Problem(String.valueOf(reason).lines().findFirst().orElse("Invalid JSON"),
                before.codePointCount(0, before.length()));
    }

    private static boolean isJson(String contentType) {
        var mediaType = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return mediaType.equals("application/json") || mediaType.startsWith("application/") && mediaType.endsWith("+json");
    }

    private Outcome render(Object result, int status, RequestState state) throws JsonProcessingException {
        if (result instanceof Response response) {
            return render(response, state);
        }
        if (status == 204 || status == 304) {
            return new Outcome(status, List.of(), NO_BODY, null, state, false, true, false);
        }
        return new Outcome(status, List.of(), mapper.writeValueAsBytes(result), Response.JSON, state, false, true, false);
    }

    private Outcome render(Response response, RequestState state) throws JsonProcessingException {
        return render(response, state, true, false);
    }

    /**
     * Renders a response; its attached tasks join the request's {@code BackgroundTasks}, after the ones already
     * added. An exception handler's response ({@code failed}) runs its tasks whatever the outcome, even for a
     * request no route matched (a 404 or 405): its tasks are then named after the method and path.
     */
    private Outcome render(Response response, RequestState state, boolean routed, boolean failed) throws JsonProcessingException {
        var file = Internals.fileOf(response);
        if (file != null) {
            checkExists(file, state);
        }
        var attached = Internals.tasksOf(response);
        if (!attached.isEmpty()) {
            if (!routed && state.origin().isEmpty()) {
                state.origin(state.method() + " " + state.path());
            }
            var tasks = state.scoped(BackgroundTasks.class, backgroundTasks);
            var view = failed ? tasks.always() : tasks;      // attached by an exception handler to its error response
            attached.forEach(adder -> adder.accept(view));
        }
        var stream = Internals.streamOf(response);
        byte[] body;
        if (response.isRaw()) {
            body = response.body() instanceof byte[] bytes ? bytes : NO_BODY;
        } else {
            body = mapper.writeValueAsBytes(response.body());
        }
        var contentType = response.contentType().orElse(null);
        if (response.status() == 204 || response.status() == 304) {
            file = null;
            if (stream != null) {
                stream.discard();
                stream = null;
            }
            body = NO_BODY;
            contentType = null;
        }
        return new Outcome(response.status(), response.headers(), body, contentType, state, false, routed, failed, stream, file);
    }

    /**
     * A file response whose file is missing is a {@code 404}, where Starlette raises (a 500): a client can cause it, by
     * asking for what was deleted meanwhile, and no stack trace should follow. A directory is a mistake in the code: 500.
     */
    private static void checkExists(FileBody file, RequestState state) {
        if (file.isDirectory()) {
            throw new IllegalStateException("Response.file was given a directory, " + file.name() + ", not a file");
        }
        if (!file.exists()) {
            LOG.debug("{} {}: the file {} does not exist, answered 404", state.method(), state.path(), file.name());
            throw new HttpException(404);
        }
    }

    /**
     * A response a middleware returned instead of the route's: its tasks join the request's in their own phase, and the
     * request stays failed if the route failed, so that the route's tasks follow the phase rules whatever the status.
     */
    Outcome renderIntercepted(Response response, RequestState state, boolean routed, boolean failed) throws JsonProcessingException {
        var outcome = render(response, state, routed, false);
        return failed ? outcome.failing() : outcome;
    }

    /** The answer to {@code t}: its exception handler's response, else the built-in one; a failure of the request if {@code routed}. */
    Outcome failure(Throwable t, RequestState state, boolean routed) {
        var handler = handlerFor(t.getClass());
        if (handler != null) {
            try {
                @SuppressWarnings("unchecked")
                var typed = (ExceptionHandler<Throwable>) handler;
                return close(render(typed.handle(state, t), state, routed, true), t);
            } catch (Throwable inHandler) {
                LOG.error("Exception handler for {} failed on {} {}", t.getClass().getName(), state.method(), state.path(), inHandler);
                return internalError(state, routed);
            }
        }
        try {
            return switch (t) {
                case HttpException h -> close(new Outcome(h.status(), headersOf(h), mapper.writeValueAsBytes(Map.of("detail", detailOf(h))),
                        Response.JSON, state, false, routed, routed), t);
                case RequestValidationException v -> new Outcome(422, List.of(),
                        mapper.writeValueAsBytes(Map.of("detail", errorsJson(v))), Response.JSON, state, false, routed, routed);
                case TasksUnavailableException u -> {
                    refusals.record("{} {} answered 503: {}", state.method(), state.path(), u.getMessage());
                    yield unavailable(u, state, routed);
                }
                default -> {
                    LOG.error("Unhandled exception in {} {}", state.method(), state.path(), t);
                    yield internalError(state, routed);
                }
            };
        } catch (JsonProcessingException e) {
            LOG.error("Could not write the error response for {} {}", state.method(), state.path(), e);
            return internalError(state, routed);
        }
    }

    /** Starlette's rule: without a detail, the status's reason phrase. */
    private static Object detailOf(HttpException h) {
        return h.detail() != null ? h.detail() : org.eclipse.jetty.http.HttpStatus.getMessage(h.status());
    }

    /** A body refused before it was read to its end (too large, too slow) leaves its connection unusable: closed. */
    private static Outcome close(Outcome outcome, Throwable cause) {
        if (cause instanceof HttpException h && (h.status() == 413 || h.status() == 408)) {
            return outcome.closing();
        }
        return outcome;
    }

    private static List<Map.Entry<String, String>> headersOf(HttpException h) {
        return new ArrayList<>(h.headers().entrySet());
    }

    /** {@code 503} with {@code Retry-After} in whole seconds, rounded up, at least 1. */
    private static Outcome unavailable(TasksUnavailableException e, RequestState state, boolean routed) {
        var wait = e.retryAfter();
        long seconds = Math.max(1, wait.toSeconds() + (wait.toNanosPart() > 0 ? 1 : 0));
        return new Outcome(503, List.of(Map.entry("Retry-After", Long.toString(seconds))), UNAVAILABLE.clone(), Response.JSON, state,
                false, routed, true);
    }

    private Outcome internalError(RequestState state, boolean routed) {
        return new Outcome(500, List.of(), "{\"detail\":\"Internal Server Error\"}".getBytes(StandardCharsets.UTF_8),
                Response.JSON, state, false, routed, routed);
    }

    /**
     * The handler registered for the exception's class or its nearest superclass. As in FastAPI, HTTP errors
     * and validation errors have built-in handlers that a handler for {@code Exception} or {@code Throwable}
     * does not replace: the search stops at {@code HttpException} and {@code RequestValidationException}.
     */
    private ExceptionHandler<?> handlerFor(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            var handler = exceptionHandlers.get(c);
            if (handler != null) {
                return handler;
            }
            if (c == HttpException.class || c == RequestValidationException.class) {
                return null;
            }
        }
        return null;
    }

    /** The 422 detail list: pydantic's key order, {@code ctx} only when present. */
    static List<Map<String, Object>> errorsJson(RequestValidationException e) {
        var out = new ArrayList<Map<String, Object>>(e.errors().size());
        for (var error : e.errors()) {
            var m = new LinkedHashMap<String, Object>();
            m.put("type", error.type());
            m.put("loc", error.loc());
            m.put("msg", error.msg());
            m.put("input", error.input() instanceof JsonNode n && n.isMissingNode() ? null : error.input());
            if (!error.ctx().isEmpty()) {
                m.put("ctx", error.ctx());
            }
            out.add(m);
        }
        return out;
    }
}
