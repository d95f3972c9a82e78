package dev.coda.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coda.Coda;
import dev.coda.internal.Internals;
import dev.coda.internal.server.AfterResponse;
import dev.coda.internal.server.Outcome;
import dev.coda.tasks.BackgroundTasks;
import dev.coda.tasks.TaskHandle;
import dev.coda.tasks.TaskRuntime;
import dev.coda.tasks.TaskState;
import dev.coda.tasks.internal.Json;
import dev.coda.internal.server.JettyServer;
import dev.coda.internal.server.Lifespan;
import dev.coda.internal.server.RunningServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Server;

/**
 * Sends requests to an application through the whole pipeline (Jetty, routing, binding, errors), for
 * tests: in-process without a port ({@link #of}), or over a real loopback port ({@link #overNetwork}).
 * By default each call also waits for the request's background tasks, as FastAPI's TestClient does;
 * {@link TaskMode#HOLD} returns the response first and lets the test run the tasks when it wants.
 *
 * <pre>{@code
 * try (var client = TestClient.of(Coda.app().routes(new Items()).build())) {
 *     var response = client.get("/items/5?q=somequery");
 *     assertThat(response.status()).isEqualTo(200);
 *     assertThat(response.json()).isEqualTo(Map.of("item_id", 5, "q", "somequery"));
 * }
 * }</pre>
 */
public final class TestClient implements AutoCloseable {

    /** What the client does with the background tasks of the requests it sends. */
    public enum TaskMode {
        /** Each call returns once the request's tasks have finished, like FastAPI's TestClient. The default. */
        AWAIT,
        /**
         * Each call returns with the response alone; the request's tasks are held, {@linkplain TaskState#QUEUED
         * queued}, until {@link TestClient#runHeldTasks()}, so a test can check what a request scheduled and
         * what the response looked like before any of it ran.
         */
        HOLD
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String REQUEST_ID = "X-Request-Id";

    private final Server jetty;
    private final LocalConnector local;
    private final RunningServer network;
    private final HttpClient http;
    private final ObjectMapper mapper = Json.newMapper();
    private final ObservedAfterResponse afterResponse;
    private final TaskMode mode;
    private final Lifespan lifespan;
    private final Map<String, CompletableFuture<List<TaskHandle>>> finished = new ConcurrentHashMap<>();
    private final List<Held> held = new CopyOnWriteArrayList<>();
    private final AtomicLong requests = new AtomicLong();
    /** The in-process requests on their way, by their connection: Jetty may answer one before reading its id. */
    private final Map<Object, String> requestsByEndPoint = new ConcurrentHashMap<>();

    private record Held(Outcome outcome, BackgroundTasks tasks) {
    }

    private TestClient(Server jetty, LocalConnector local, RunningServer network, ObservedAfterResponse afterResponse, TaskMode mode,
                       Lifespan lifespan) {
        this.lifespan = lifespan;
        this.jetty = jetty;
        this.local = local;
        this.network = network;
        this.http = network == null ? null : HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        this.afterResponse = afterResponse;
        this.mode = Objects.requireNonNull(mode, "mode");
        afterResponse.client = this;
    }

    /**
     * The after-response work of this client's own server, which tells the client of every request it answered,
     * so that a call can wait for the request's tasks or hold them. The app's own server has none of this.
     */
    private static final class ObservedAfterResponse extends AfterResponse {
        /** Set before the server answers its first request. */
        volatile TestClient client;

        ObservedAfterResponse(TaskRuntime tasks) {
            super(Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("coda-test-after-response-", 0).factory()), tasks);
        }

        @Override
        protected boolean needed(Outcome outcome) {
            return true;        // every request, so that its id is awaited even without tasks
        }

        @Override
        protected void answeredByServer(String requestId, Object endPoint) {
            client.answeredByServer(requestId != null ? requestId : client.requestsByEndPoint.get(endPoint));
        }

        @Override
        protected void handOver(Outcome outcome, BackgroundTasks tasks) {
            var done = new CompletableFuture<Void>();
            if (!client.observe(outcome, tasks, done)) {
                run(outcome, tasks).whenComplete((v, e) -> done.complete(null));
            }
        }
    }

    /** A client that talks to {@code app} in-process, through Jetty's local connector, awaiting each request's tasks. */
    public static TestClient of(Coda app) {
        return of(app, TaskMode.AWAIT);
    }

    /** A client that talks to {@code app} in-process, through Jetty's local connector. */
    public static TestClient of(Coda app, TaskMode mode) {
        var runtime = Internals.runtime(app);
        var afterResponse = afterResponseOf(runtime);
        var jetty = JettyServer.create(runtime.application(), afterResponse, false, true);
        runtime.lifespan().open();
        try {
            jetty.start();
        } catch (Exception e) {
            runtime.lifespan().close();
            throw new IllegalStateException("could not start the in-process server", e);
        }
        return new TestClient(jetty, jetty.getBean(LocalConnector.class), null, afterResponse, mode, runtime.lifespan());
    }

    /**
     * The after-response work of this client's own server: it sees this client's requests only, not those of
     * another client of the app, nor of the app started as a server.
     */
    private static ObservedAfterResponse afterResponseOf(Internals.Runtime runtime) {
        return new ObservedAfterResponse(runtime.tasks());
    }

    /** A client that talks to {@code app} started on a free loopback port, awaiting each request's tasks. */
    public static TestClient overNetwork(Coda app) {
        return overNetwork(app, TaskMode.AWAIT);
    }

    /** A client that talks to {@code app} started on a free loopback port. */
    public static TestClient overNetwork(Coda app, TaskMode mode) {
        var runtime = Internals.runtime(app);
        var loopback = runtime.application().settings().withAddress("127.0.0.1", 0);
        var application = new dev.coda.internal.server.Application(runtime.application(), loopback);
        var afterResponse = afterResponseOf(runtime);
        var jetty = JettyServer.create(application, afterResponse, true, false);
        runtime.lifespan().open();
        try {
            return new TestClient(jetty, null, RunningServer.start(jetty, loopback), afterResponse, mode, runtime.lifespan());
        } catch (RuntimeException e) {
            runtime.lifespan().close();
            throw e;
        }
    }

    private boolean observe(Outcome outcome, BackgroundTasks tasks, CompletionStage<Void> done) {
        var id = outcome.state().header(REQUEST_ID).orElse(null);
        var handles = tasks == null ? List.<TaskHandle>of() : tasks.handles();
        if (mode == TaskMode.HOLD && (tasks != null || !outcome.state().cleanups().isEmpty())) {
            held.add(new Held(outcome, tasks));
            if (id != null) {
                finished(id).complete(handles);
            }
            return true;
        }
        if (id != null) {
            done.whenComplete((v, e) -> finished(id).complete(handles));
        }
        return false;
    }

    private void answeredByServer(String requestId) {
        if (requestId != null) {
            finished(requestId).complete(List.of());
        }
    }

    private CompletableFuture<List<TaskHandle>> finished(String requestId) {
        return finished.computeIfAbsent(requestId, k -> new CompletableFuture<>());
    }

    private List<TaskHandle> awaitTasks(String requestId, int status) {
        var future = finished(requestId);
        try {
            return future.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the background tasks of request " + requestId + " (answered " + status
                    + ") did not finish within " + TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            finished.remove(requestId);
        }
    }

    /** In {@link TaskMode#HOLD}: the tasks of every request answered so far and not yet run, in request order. */
    public List<TaskHandle> heldTasks() {
        var out = new ArrayList<TaskHandle>();
        for (var h : held) {
            if (h.tasks() != null) {
                out.addAll(h.tasks().handles());
            }
        }
        return out;
    }

    /**
     * In {@link TaskMode#HOLD}: runs the held tasks request by request, in the order the requests were
     * answered: each request's tasks as the server would have (phases, failures, timeouts), then its
     * dependency cleanups, before the next request's begin. Returns their handles, now terminal.
     */
    public List<TaskHandle> runHeldTasks() {
        var batch = List.copyOf(held);
        held.removeAll(batch);
        var handles = new ArrayList<TaskHandle>();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        for (var h : batch) {
            if (h.tasks() != null) {
                handles.addAll(h.tasks().handles());
            }
            try {
                afterResponse.run(h.outcome(), h.tasks()).toCompletableFuture()
                        .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("held tasks did not finish within " + TIMEOUT, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("running the held tasks failed: " + e.getCause(), e.getCause());
            }
        }
        return handles;
    }

    /** The server's address, for clients of your own; only over the network. */
    public URI baseUri() {
        if (network == null) {
            throw new IllegalStateException("an in-process client has no address; use TestClient.overNetwork");
        }
        return network.uri();
    }

    public TestResponse get(String path) {
        return request("GET", path).send();
    }

    public TestResponse head(String path) {
        return request("HEAD", path).send();
    }

    public TestResponse delete(String path) {
        return request("DELETE", path).send();
    }

    public TestResponse post(String path) {
        return request("POST", path).send();
    }

    /** POST with {@code body} written as JSON. */
    public TestResponse post(String path, Object body) {
        return request("POST", path).json(body).send();
    }

    /** PUT with {@code body} written as JSON. */
    public TestResponse put(String path, Object body) {
        return request("PUT", path).json(body).send();
    }

    /** PATCH with {@code body} written as JSON. */
    public TestResponse patch(String path, Object body) {
        return request("PATCH", path).json(body).send();
    }

    /** A request to build: headers, a body, then {@link RequestBuilder#send()}. */
    public RequestBuilder request(String method, String path) {
        return new RequestBuilder(method, path);
    }

    /** A request being built. */
    public final class RequestBuilder {
        private final String method;
        private final String path;
        // names are case-insensitive: "content-type" and "Content-Type" are one header
        private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        private byte[] body;
        private FormBody form;

        private RequestBuilder(String method, String path) {
            this.method = Objects.requireNonNull(method, "method");
            this.path = Objects.requireNonNull(path, "path");
        }

        /**
         * Adds a header. In-process, a {@code Host} header replaces the default {@code testserver}; over the
         * network, {@code java.net.http} rejects {@code Host} and the other headers it manages itself.
         */
        public RequestBuilder header(String name, String value) {
            headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            return this;
        }

        /** The body as JSON, with {@code Content-Type: application/json}. */
        public RequestBuilder json(Object value) {
            try {
                return body(mapper.writeValueAsBytes(value), "application/json");
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("cannot write the body as JSON", e);
            }
        }

        /** A text body with the given content type ({@code null} sends none). */
        public RequestBuilder body(String text, String contentType) {
            return body(text.getBytes(StandardCharsets.UTF_8), contentType);
        }

        /** A raw body with the given content type ({@code null} sends none). */
        public RequestBuilder body(byte[] bytes, String contentType) {
            this.body = bytes.clone();
            if (contentType != null) {
                headers.put("Content-Type", new ArrayList<>(List.of(contentType)));
            }
            return this;
        }

        /**
         * Adds a form field, as FastAPI's {@code TestClient(data=...)}: the body is {@code application/x-www-form-urlencoded},
         * or {@code multipart/form-data} once a {@link #file} is added.
         */
        public RequestBuilder form(String name, String value) {
            form().field(name, value);
            return this;
        }

        /** Adds a file to a {@code multipart/form-data} body, as {@code TestClient(files=...)}; {@code contentType} may be {@code null}. */
        public RequestBuilder file(String name, String filename, String contentType, byte[] content) {
            form().file(name, filename, contentType, content);
            return this;
        }

        private FormBody form() {
            if (form == null) {
                form = new FormBody();
            }
            return form;
        }

        /**
         * Sends the request and waits for the response, then, in {@link TaskMode#AWAIT}, for the request's
         * background tasks.
         */
        public TestResponse send() {
            if (form != null) {
                body(form.bytes(), form.contentType());
                form = null;
            }
            var requestId = headers.containsKey(REQUEST_ID) ? headers.get(REQUEST_ID).getFirst()
                    : "test-" + Long.toHexString(System.identityHashCode(TestClient.this)) + "-" + requests.incrementAndGet();
            headers.put(REQUEST_ID, new ArrayList<>(List.of(requestId)));
            var response = local != null ? sendLocal(requestId) : sendNetwork();
            var tasks = awaitTasks(requestId, response.status());
            return response.withTasks(tasks);
        }

        private TestResponse sendLocal(String requestId) {
            var request = HttpTester.newRequest();
            request.setMethod(method);
            request.setURI(path);
            request.setVersion("HTTP/1.1");
            // HttpTester starts with "Host: localhost"; replace it rather than add a second one (a 400)
            request.setHeader("Host", headers.getOrDefault("Host", List.of("testserver")).getFirst());
            headers.forEach((name, values) -> {
                if (!name.equalsIgnoreCase("Host")) {
                    values.forEach(v -> request.add(name, v));
                }
            });
            if (body != null) {
                request.setContent(ByteBuffer.wrap(body));
            }
            // One connection per request, closed once answered: left open, each would linger until the idle
            // timeout, and stopping the server would wait for them.
            var endPoint = local.connect();
            requestsByEndPoint.put(endPoint, requestId);
            try {
                endPoint.addInputAndExecute(request.generate());
                var raw = endPoint.waitForResponse(method.equals("HEAD"), TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                if (raw == null) {
                    throw new IllegalStateException("no response to " + method + " " + path + " within " + TIMEOUT);
                }
                var response = method.equals("HEAD") ? HttpTester.parseHeadResponse(raw) : HttpTester.parseResponse(raw);
                var responseHeaders = new LinkedHashMap<String, List<String>>();
                for (var field : response) {
                    responseHeaders.computeIfAbsent(field.getLowerCaseName(), k -> new ArrayList<>()).add(field.getValue());
                }
                return new TestResponse(response.getStatus(), responseHeaders, response.getContentBytes(), mapper);
            } catch (Exception e) {
                throw new IllegalStateException("request " + method + " " + path + " failed: " + e, e);
            } finally {
                requestsByEndPoint.remove(endPoint);
                endPoint.close();
            }
        }

        private TestResponse sendNetwork() {
            var builder = HttpRequest.newBuilder(network.uri().resolve(path)).timeout(TIMEOUT)
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            headers.forEach((name, values) -> values.forEach(v -> builder.header(name, v)));
            try {
                var response = http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
                var responseHeaders = new LinkedHashMap<String, List<String>>();
                response.headers().map().forEach((k, v) -> responseHeaders.put(k.toLowerCase(java.util.Locale.ROOT), v));
                return new TestResponse(response.statusCode(), responseHeaders, response.body(), mapper);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    /**
     * Closes the HTTP client, if any (its threads and idle connections), then stops the server gracefully, then the app's
     * lifespan (shutdown hooks, resources), unless the app or another client still runs it.
     */
    @Override
    public void close() {
        if (http != null) {
            http.close();
        }
        try {
            jetty.stop();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop the server", e);
        } finally {
            lifespan.close();
        }
    }
}
