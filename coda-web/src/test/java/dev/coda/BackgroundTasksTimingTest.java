package dev.coda;

import dev.coda.testsupport.LogCapture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.coda.tasks.BackgroundTasks;
import dev.coda.tasks.TaskHandle;
import dev.coda.tasks.TaskState;
import dev.coda.tasks.TasksUnavailableException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Background tasks against a started server over real loopback connections: the response does not
 * wait for its tasks, nor does the next request on the connection, nor does anything a task does (or
 * the app does after it) hold the connection.
 */
class BackgroundTasksTimingTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    final LogCapture logs = new LogCapture("dev.coda");

    private final Notifications notifications = new Notifications();
    /** Opened after each test, so that no task or cleanup outlives it waiting for a test that failed. */
    private final CountDownLatch released = new CountDownLatch(1);
    private final List<Server> servers = new ArrayList<>();

    @AfterEach
    void releaseEverythingAndStop() {
        notifications.release.countDown();
        notifications.delivery.complete(null);
        released.countDown();
        servers.forEach(Server::stop);
    }

    private Server start(Coda.Builder app) {
        var server = app.host("127.0.0.1").port(0).shutdownTimeout(Duration.ofSeconds(5))
                .backgroundTasks(b -> b.shutdownTimeout(Duration.ofSeconds(5))).start();
        servers.add(server);
        return server;
    }

    private static HttpResponse<String> send(HttpClient http, Server server, String method, String path) {
        try {
            return http.send(HttpRequest.newBuilder(server.uri().resolve(path)).timeout(WAIT)
                    .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String post(String path, String... headers) {
        var text = new StringBuilder("POST ").append(path).append(" HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n");
        for (var header : headers) {
            text.append(header).append("\r\n");
        }
        return text.append("\r\n").toString();
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
    }

    /** Routes whose tasks block until the test releases them; the handles they return are kept by label. */
    final class Slow {
        final Map<String, TaskHandle> handles = new ConcurrentHashMap<>();

        @Post("/slow/{label}")
        public Map<String, String> slow(String label, BackgroundTasks tasks) {
            handles.put(label, tasks.addTask(notifications::sendWhenReleased, label));
            return Map.of("scheduled", label);
        }

        @Post("/mail/{to}")
        public Map<String, String> mail(String to, BackgroundTasks tasks) {
            handles.put(to, tasks.addTask(notifications::deliver, to));
            return Map.of("queued", to);
        }

        @Get("/ping")
        public String ping() {
            return "pong";
        }
    }

    // ---------------------------------------------------------------- the response comes first

    @Test
    void theResponseArrivesCompleteWhileItsTaskIsStillBlocked() {
        var routes = new Slow();
        var server = start(Coda.app().routes(routes));
        try (var http = HttpClient.newHttpClient()) {
            var response = send(http, server, "POST", "/slow/first");

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("{\"scheduled\":\"first\"}");
            var task = routes.handles.get("first");
            await().atMost(WAIT).until(() -> task.state() == TaskState.RUNNING);
            assertThat(notifications.sent).as("the task has not finished").isEmpty();

            notifications.release.countDown();

            await().atMost(WAIT).until(() -> task.state() == TaskState.SUCCEEDED);
            assertThat(notifications.sent).containsExactly("first");
        }
    }

    @Test
    void aSecondRequestOnTheSameKeepAliveConnectionIsAnsweredWhileTheFirstRequestsTaskIsBlocked() throws IOException {
        var routes = new Slow();
        var server = start(Coda.app().routes(routes));
        try (var connection = new RawHttp(server.port())) {
            var first = connection.send(post("/slow/first")).read();
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.body()).isEqualTo("{\"scheduled\":\"first\"}");
            var task = routes.handles.get("first");
            await().atMost(WAIT).until(() -> task.state() == TaskState.RUNNING);

            var second = connection.send(get("/ping")).read();

            assertThat(second.status()).isEqualTo(200);
            assertThat(second.body()).isEqualTo("\"pong\"");
            assertThat(task.state()).as("the first request's task is still blocked").isEqualTo(TaskState.RUNNING);
            notifications.release.countDown();
            await().atMost(WAIT).until(() -> task.state() == TaskState.SUCCEEDED);
            assertThat(notifications.sent).containsExactly("first");
        }
    }

    @Test
    void anAsynchronousTaskIsRunningUntilItsFutureCompletesLongAfterTheResponse() throws IOException {
        var routes = new Slow();
        var server = start(Coda.app().routes(routes));
        try (var connection = new RawHttp(server.port())) {
            var response = connection.send(post("/mail/ada@example.com")).read();
            assertThat(response.status()).isEqualTo(200);
            var task = routes.handles.get("ada@example.com");
            await().atMost(WAIT).until(() -> task.state() == TaskState.RUNNING);
            assertThat(connection.send(get("/ping")).read().status()).isEqualTo(200);
            assertThat(task.state()).as("still waiting for its future").isEqualTo(TaskState.RUNNING);

            notifications.delivery.complete(null);

            assertThat(task.completion().toCompletableFuture()).succeedsWithin(WAIT).isEqualTo(TaskState.SUCCEEDED);
            assertThat(notifications.sent).containsExactly("delivered to ada@example.com");
        }
    }

    /** Tasks that read the request they were added by, once the response has been sent. */
    final class Echo {
        final Map<String, String> seen = new ConcurrentHashMap<>();
        final CountDownLatch mayRead = new CountDownLatch(1);

        void readLater(Request request) throws InterruptedException {
            if (!mayRead.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never allowed to read");
            }
            seen.put("tenant", request.header("X-Tenant").orElse("none"));
            seen.put("path", request.path());
            seen.put("query", request.queryParam("q").orElse("none"));
        }

        @Get("/echo/{name}")
        public String echo(String name, Request request, BackgroundTasks tasks) {
            if (name.equals("first")) {
                tasks.addTask(this::readLater, request);
            }
            return name;
        }
    }

    @Test
    void aTaskReadsItsOwnRequestAfterTheResponseEvenOnceTheNextRequestOnTheConnectionWasAnswered() throws IOException {
        var routes = new Echo();
        var server = start(Coda.app().routes(routes));
        try (var connection = new RawHttp(server.port())) {
            var first = connection.send("GET /echo/first?q=one HTTP/1.1\r\nHost: localhost\r\nX-Tenant: acme\r\n\r\n").read();
            var second = connection.send("GET /echo/second?q=two HTTP/1.1\r\nHost: localhost\r\nX-Tenant: globex\r\n\r\n").read();
            assertThat(first.body()).isEqualTo("\"first\"");
            assertThat(second.body()).isEqualTo("\"second\"");

            routes.mayRead.countDown();

            await().atMost(WAIT).until(() -> routes.seen.size() == 3);
            assertThat(routes.seen).containsEntry("tenant", "acme").containsEntry("path", "/echo/first")
                    .containsEntry("query", "one");
        }
    }

    // ---------------------------------------------------------------- after-response work does not hold the connection

    record Session(String id) {
    }

    /** A failing request whose tasks are skipped and whose resource's cleanup blocks until the test allows it. */
    final class FailingWithCleanup {
        final CountDownLatch cleanupStarted = new CountDownLatch(1);
        final AtomicBoolean cleanedUp = new AtomicBoolean();

        @Dependency
        Managed<Session> session() {
            return Managed.of(new Session("s-1"), () -> {
                cleanupStarted.countDown();
                released.await(30, TimeUnit.SECONDS);
                cleanedUp.set(true);
            });
        }

        @Post("/orders")
        public String order(Session session, BackgroundTasks tasks) {
            tasks.addTask(notifications::send, "ada@example.com", "order placed");
            throw new HttpException(409, "out of stock");
        }

        @Get("/ping")
        public String ping() {
            return "pong";
        }
    }

    @Test
    void theBlockingCleanupOfAFailedRequestWhoseTasksWereSkippedDoesNotHoldTheConnection() throws IOException {
        var routes = new FailingWithCleanup();
        var server = start(Coda.app().routes(routes));
        try (var connection = new RawHttp(server.port())) {
            var failed = connection.send(post("/orders")).read();
            assertThat(failed.status()).isEqualTo(409);
            await().atMost(WAIT).until(() -> routes.cleanupStarted.getCount() == 0);

            var next = connection.send(get("/ping")).read();

            assertThat(next.status()).isEqualTo(200);
            assertThat(routes.cleanedUp).as("the cleanup is still blocked").isFalse();
            released.countDown();
            await().atMost(WAIT).untilTrue(routes.cleanedUp);
            assertThat(notifications.sent).as("a failed request's default tasks do not run").isEmpty();
        }
    }

    // ---------------------------------------------------------------- overflow

    final class Jobs {
        final Map<Integer, TaskHandle> handles = new ConcurrentHashMap<>();

        @Post("/jobs/{n}")
        public Map<String, Integer> job(int n, BackgroundTasks tasks) {
            handles.put(n, tasks.addTask(notifications::sendWhenReleased, "job " + n));
            return Map.of("accepted", n);
        }
    }

    @Test
    void aRequestWhoseTasksDoNotFitInTheQueueIsAnswered503WithRetryAfterAndItsTasksFailedCountedAndReported() throws IOException {
        var routes = new Jobs();
        var registry = new SimpleMeterRegistry();
        var rejectedByHandler = new CopyOnWriteArrayList<Throwable>();
        var server = start(Coda.app().routes(routes).backgroundTasks(b -> b.maxConcurrency(1).maxQueuedTasks(1)
                .meterRegistry(registry).errorHandler((task, error) -> rejectedByHandler.add(error))));
        try (var connection = new RawHttp(server.port())) {
            assertThat(connection.send(post("/jobs/1")).read().status()).isEqualTo(200);
            await().atMost(WAIT).until(() -> routes.handles.get(1).state() == TaskState.RUNNING);
            assertThat(connection.send(post("/jobs/2")).read().status()).isEqualTo(200);
            await().atMost(WAIT).until(() -> registry.get("coda.tasks.queued").gauge().value() == 1.0);

            var third = connection.send(post("/jobs/3", "X-Request-Id: req-3")).read();

            assertThat(third.status()).as("never told 'accepted' for work that will not run").isEqualTo(503);
            assertThat(third.header("Retry-After")).isEqualTo("1");
            assertThat(third.body()).isEqualTo("{\"detail\":\"Service Unavailable\"}");
            var refused = routes.handles.get(3);
            assertThat(refused.state()).isEqualTo(TaskState.FAILED);
            assertThat(refused.failure()).get().isInstanceOf(TasksUnavailableException.class);
            await().atMost(WAIT).until(() -> rejectedByHandler.size() == 1);
            assertThat(rejectedByHandler).singleElement().isInstanceOf(TasksUnavailableException.class);
            assertThat(logs.of("dev.coda.tasks", Level.WARN, "Refused", "POST /jobs/{n}", "req-3", "queue is full")).hasSize(1);
            assertThat(logs.of("dev.coda", Level.ERROR)).isEmpty();
            assertThat(registry.find("coda.tasks.rejections").counters().stream().mapToDouble(c -> c.count()).sum()).isEqualTo(1.0);
            assertThat(routes.handles.get(1).state()).isEqualTo(TaskState.RUNNING);
            assertThat(routes.handles.get(2).state()).isEqualTo(TaskState.QUEUED);
            assertThat(connection.send(get("/jobs/4")).read().status()).as("the connection is still usable")
                    .isEqualTo(405);   // a GET of a POST route: answered at once

            notifications.release.countDown();

            await().atMost(WAIT).until(() -> routes.handles.get(2).state() == TaskState.SUCCEEDED);
            assertThat(routes.handles.get(1).state()).isEqualTo(TaskState.SUCCEEDED);
            assertThat(notifications.sent).containsExactly("job 1", "job 2");
            assertThat(connection.send(post("/jobs/5")).read().status()).as("accepted again once the queue has room").isEqualTo(200);
            await().atMost(WAIT).until(() -> routes.handles.get(5).state() == TaskState.SUCCEEDED);
        }
    }

    @Test
    void underAStormOfRefusedRequestsTheLogHasASummaryNotALineEach() throws IOException {
        var routes = new Jobs();
        var registry = new SimpleMeterRegistry();
        var server = start(Coda.app().routes(routes).backgroundTasks(b -> b.maxConcurrency(1).maxQueuedTasks(1).meterRegistry(registry)));
        try (var connection = new RawHttp(server.port())) {
            assertThat(connection.send(post("/jobs/1")).read().status()).isEqualTo(200);
            await().atMost(WAIT).until(() -> routes.handles.get(1).state() == TaskState.RUNNING);
            assertThat(connection.send(post("/jobs/2")).read().status()).isEqualTo(200);

            for (int n = 3; n < 203; n++) {
                assertThat(connection.send(post("/jobs/" + n)).read().status()).isEqualTo(503);
            }

            assertThat(registry.find("coda.tasks.rejections").counters().stream().mapToDouble(c -> c.count()).sum()).isEqualTo(200.0);
            assertThat(logs.of("dev.coda.tasks", Level.WARN, "Refused")).as("one line, then one per 10 s").hasSizeLessThanOrEqualTo(2);
            notifications.release.countDown();
        }
    }

    @Test
    void anErrorHandlerThatBlocksOnARejectedTaskDoesNotHoldTheConnection() throws IOException {
        var routes = new Jobs();
        var registry = new SimpleMeterRegistry();
        var handlerEntered = new CountDownLatch(1);
        var handlerDone = new AtomicBoolean();
        var server = start(Coda.app().routes(routes).backgroundTasks(b -> b.maxConcurrency(1).maxQueuedTasks(1)
                .meterRegistry(registry).errorHandler((task, error) -> {
                    handlerEntered.countDown();
                    try {
                        released.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    handlerDone.set(true);
                })));
        try (var connection = new RawHttp(server.port())) {
            assertThat(connection.send(post("/jobs/1")).read().status()).isEqualTo(200);
            await().atMost(WAIT).until(() -> routes.handles.get(1).state() == TaskState.RUNNING);
            assertThat(connection.send(post("/jobs/2")).read().status()).isEqualTo(200);
            await().atMost(WAIT).until(() -> registry.get("coda.tasks.queued").gauge().value() == 1.0);
            assertThat(connection.send(post("/jobs/3")).read().status()).isEqualTo(503);
            await().atMost(WAIT).until(() -> handlerEntered.getCount() == 0);

            var next = connection.send(post("/jobs/4")).read();

            assertThat(next.status()).as("answered while the error handler still blocks").isEqualTo(503);
            assertThat(handlerDone).isFalse();
        }
    }

    // ---------------------------------------------------------------- load

    final class Counted {
        final Map<String, Integer> runs = new ConcurrentHashMap<>();

        void record(String requestId, int index) {
            runs.merge(requestId + ":" + index, 1, Integer::sum);
        }

        @Post("/count")
        public String count(Request request, BackgroundTasks tasks) {
            tasks.addTask(this::record, request.id(), 1);
            tasks.addTask(this::record, request.id(), 2);
            return "ok";
        }

        int total() {
            return runs.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    @Test
    void everyTaskOfFiveHundredConcurrentRequestsRunsExactlyOnce() throws Exception {
        var routes = new Counted();
        var server = start(Coda.app().routes(routes));
        int requests = 500;
        var statuses = new ConcurrentHashMap<Integer, Integer>();
        try (var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
             var clients = Executors.newVirtualThreadPerTaskExecutor()) {
            var start = new CountDownLatch(1);
            var sent = new ArrayList<CompletableFuture<Void>>();
            for (int i = 0; i < requests; i++) {
                int n = i;
                sent.add(CompletableFuture.runAsync(() -> {
                    try {
                        start.await();
                        var response = http.send(HttpRequest.newBuilder(server.uri().resolve("/count"))
                                .timeout(Duration.ofSeconds(60)).header("X-Request-Id", "load-" + n)
                                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                        statuses.put(n, response.statusCode());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }, clients));
            }
            start.countDown();
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(90, TimeUnit.SECONDS);
        }

        assertThat(statuses).hasSize(requests);
        assertThat(new HashSet<>(statuses.values())).containsExactly(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> routes.total() == 2 * requests);
        var expected = new HashSet<String>();
        for (int i = 0; i < requests; i++) {
            expected.add("load-" + i + ":1");
            expected.add("load-" + i + ":2");
        }
        assertThat(routes.runs.keySet()).isEqualTo(expected);
        assertThat(routes.runs.values()).allMatch(count -> count == 1);
    }
}
