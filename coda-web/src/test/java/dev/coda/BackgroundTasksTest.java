package dev.coda;

import dev.coda.testsupport.LogCapture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.coda.tasks.BackgroundTasks;
import dev.coda.tasks.ContextPropagator;
import dev.coda.tasks.TaskHandle;
import dev.coda.tasks.TaskRuntime;
import dev.coda.tasks.TaskState;
import dev.coda.testing.TestClient;
import dev.coda.testing.TestResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.MDC;

/**
 * Background tasks through the whole HTTP pipeline: one {@link BackgroundTasks} per request shared by
 * its dependencies and its path operation, tasks run in the order they were added once the response is
 * sent, failures isolated and logged, phases chosen by the request's outcome, context carried over.
 */
class BackgroundTasksTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    final LogCapture logs = new LogCapture("dev.coda");

    private final Notifications notifications = new Notifications();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void releaseAndClose() throws Exception {
        notifications.release.countDown();
        notifications.delivery.complete(null);
        for (var closeable : toClose) {
            closeable.close();
        }
    }

    private TestClient client(Coda.Builder app) {
        var client = TestClient.of(app.build());
        toClose.add(client);
        return client;
    }

    private static List<String> names(TestResponse response) {
        return response.tasks().stream().map(TaskHandle::name).toList();
    }

    private static List<TaskState> states(TestResponse response) {
        return response.tasks().stream().map(TaskHandle::state).toList();
    }

    // ---------------------------------------------------------------- one BackgroundTasks per request, in resolution order

    record AuditTrail() {
    }

    record Tenant(String name) {
    }

    record CurrentUser(String name, Tenant tenant) {
    }

    final class Layered {
        final List<String> ran = new CopyOnWriteArrayList<>();
        final List<BackgroundTasks> received = new CopyOnWriteArrayList<>();

        void record(String who) {
            ran.add(who);
        }

        @Dependency
        AuditTrail auditTrail(BackgroundTasks tasks) {
            received.add(tasks);
            tasks.addTask(this::record, "app-level requires");
            return new AuditTrail();
        }

        @Dependency
        Tenant tenant(BackgroundTasks tasks) {
            received.add(tasks);
            tasks.addTask(this::record, "sub-dependency");
            return new Tenant("acme");
        }

        @Dependency
        CurrentUser currentUser(Tenant tenant, BackgroundTasks tasks) {
            received.add(tasks);
            tasks.addTask(this::record, "dependency");
            return new CurrentUser("ada", tenant);
        }

        @Post("/orders")
        public Response order(CurrentUser user, BackgroundTasks tasks) {
            received.add(tasks);
            tasks.addTask(this::record, "endpoint");
            return Response.created(Map.of("by", user.name())).withTask(this::record, "response");
        }

        @Post("/plain")
        public Response plain() {
            return Response.accepted(Map.of("status", "queued")).withTask(this::record, "response only");
        }
    }

    @Test
    void dependenciesAtEveryLevelAndTheEndpointShareOneBackgroundTasksWhoseTasksRunInResolutionOrder() {
        var routes = new Layered();
        var client = client(Coda.app().routes(routes).requires(AuditTrail.class));

        var response = client.post("/orders");

        assertThat(response.status()).as(response.text()).isEqualTo(201);
        assertThat(routes.received).hasSize(4);
        assertThat(routes.received).allSatisfy(tasks -> assertThat(tasks).isSameAs(routes.received.getFirst()));
        assertThat(routes.ran).containsExactly("app-level requires", "sub-dependency", "dependency", "endpoint", "response");
        assertThat(states(response)).containsOnly(TaskState.SUCCEEDED).hasSize(5);
    }

    @Test
    void eachRequestGetsItsOwnBackgroundTasks() {
        var routes = new Layered();
        var client = client(Coda.app().routes(routes).requires(AuditTrail.class));

        client.post("/orders");
        client.post("/orders");

        assertThat(routes.received).hasSize(8);
        assertThat(routes.received.get(4)).isNotSameAs(routes.received.get(0));
        assertThat(routes.ran).hasSize(10);
    }

    @Test
    void aTaskAttachedToTheResponseRunsWhenThePathOperationDeclaresNoBackgroundTasks() {
        var routes = new Layered();
        var client = client(Coda.app().routes(routes));

        var response = client.post("/plain");

        assertThat(response.status()).isEqualTo(202);
        assertThat(routes.ran).containsExactly("response only");
        assertThat(names(response)).containsExactly("BackgroundTasksTest.Layered.record");
    }

    final class Late {
        volatile BackgroundTasks kept;

        void addAnother() {
            kept.addTask(notifications::send, "ops@example.com", "too late");
        }

        @Post("/late")
        public String late(BackgroundTasks tasks) {
            kept = tasks;
            tasks.addTask(this::addAnother);
            return "ok";
        }
    }

    @Test
    void noTaskCanBeAddedToARequestsBackgroundTasksOnceTheyWereHandedOver() {
        var client = client(Coda.app().routes(new Late()));

        var response = client.post("/late");

        assertThat(states(response)).containsExactly(TaskState.FAILED);
        assertThat(response.tasks().getFirst().failure()).get().isInstanceOf(IllegalStateException.class)
                .extracting(Throwable::getMessage).asString().contains("POST /late", "already");
        assertThat(notifications.sent).isEmpty();
    }

    // ---------------------------------------------------------------- failures

    final class Signup {
        final List<TaskHandle> handles = new CopyOnWriteArrayList<>();

        @Post("/send-notification/{email}")
        public Map<String, String> sendNotification(String email, BackgroundTasks tasks) {
            handles.add(tasks.addTask(notifications::explode, email));
            handles.add(tasks.addTask(notifications::send, email, "welcome"));
            return Map.of("message", "Notification sent in the background");
        }

        @Get("/ping")
        public String ping() {
            return "pong";
        }
    }

    @Test
    void aFailingTaskDoesNotStopTheNextIsLoggedOnceWithItsRouteAndRequestIdAndLeavesTheConnectionAlone() throws IOException {
        var routes = new Signup();
        var reported = new CopyOnWriteArrayList<String>();
        try (var server = Coda.app().routes(routes).host("127.0.0.1").port(0)
                .backgroundTasks(b -> b.errorHandler((task, error) -> reported.add(task.name() + " -> " + error.getMessage())))
                .start();
             var connection = new RawHttp(server.port())) {
            var response = connection.send("POST /send-notification/ada@example.com HTTP/1.1\r\nHost: localhost\r\n"
                    + "X-Request-Id: req-42\r\nContent-Length: 0\r\n\r\n").read();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("{\"message\":\"Notification sent in the background\"}");
            await().atMost(WAIT).until(() -> routes.handles.get(1).state().isTerminal());
            assertThat(routes.handles.get(0).state()).isEqualTo(TaskState.FAILED);
            assertThat(routes.handles.get(0).failure()).get().isInstanceOf(IllegalStateException.class);
            assertThat(routes.handles.get(1).state()).isEqualTo(TaskState.SUCCEEDED);
            assertThat(notifications.sent).containsExactly("ada@example.com: welcome");

            var failures = logs.events().stream().filter(e -> e.getThrowableProxy() != null
                    && e.getThrowableProxy().getMessage().equals("mail server down for ada@example.com")).toList();
            assertThat(failures).singleElement().satisfies(event -> {
                assertThat(event.getLoggerName()).isEqualTo("dev.coda.tasks");
                assertThat(event.getLevel()).isEqualTo(Level.ERROR);
                assertThat(event.getFormattedMessage()).contains("Notifications.explode", "POST /send-notification/{email}", "req-42");
                assertThat(event.getMDCPropertyMap()).containsEntry("requestId", "req-42");
            });
            assertThat(reported).containsExactly("Notifications.explode -> mail server down for ada@example.com");

            var next = connection.send("GET /ping HTTP/1.1\r\nHost: localhost\r\n\r\n").read();
            assertThat(next.status()).isEqualTo(200);
            assertThat(next.body()).isEqualTo("\"pong\"");
        }
    }

    @Test
    void withFailFastAFailingTaskCancelsTheLaterTasksOfItsRequestLikeFastApi() {
        var client = client(Coda.app().routes(new Signup()).backgroundTasks(b -> b.failFast(true)));

        var response = client.post("/send-notification/ada@example.com");

        assertThat(response.status()).isEqualTo(200);
        assertThat(names(response)).containsExactly("Notifications.explode", "Notifications.send");
        assertThat(states(response)).containsExactly(TaskState.FAILED, TaskState.CANCELLED);
        assertThat(notifications.sent).isEmpty();
        assertThat(logs.of("dev.coda.tasks", Level.WARN, "Notifications.send", "fail-fast")).hasSize(1);
    }

    @Test
    void aFailingTaskOfOneRequestDoesNotAffectTheTasksOfTheNext() {
        var client = client(Coda.app().routes(new Signup()));

        var first = client.post("/send-notification/ada@example.com");
        var second = client.post("/send-notification/grace@example.com");

        assertThat(states(first)).containsExactly(TaskState.FAILED, TaskState.SUCCEEDED);
        assertThat(states(second)).containsExactly(TaskState.FAILED, TaskState.SUCCEEDED);
        assertThat(notifications.sent).containsExactly("ada@example.com: welcome", "grace@example.com: welcome");
    }

    // ---------------------------------------------------------------- phases: the request's outcome chooses

    static final class OutOfStock extends RuntimeException {
        OutOfStock(String sku) {
            super("out of stock: " + sku);
        }
    }

    record Audit() {
    }

    final class Orders {
        /** Adds one task of each phase, before the path operation runs (or fails to bind). */
        @Dependency
        Audit audit(BackgroundTasks tasks) {
            tasks.addTask(notifications::send, "ops@example.com", "order placed");
            tasks.onError().addTask(notifications::page, "order failed");
            tasks.always().addTask(notifications::count, "order attempt");
            return new Audit();
        }

        @Post("/orders")
        public String order(Audit audit) {
            return "placed";
        }

        @Post("/orders/conflict")
        public String conflict(Audit audit) {
            throw new HttpException(409, "already ordered");
        }

        @Post("/orders/crash")
        public String crash(Audit audit) {
            throw new IllegalStateException("the endpoint broke");
        }

        @Post("/orders/invalid")
        public String invalid(Audit audit, int quantity) {
            return "unreachable";
        }

        @Post("/orders/sold-out")
        public String soldOut(Audit audit) {
            throw new OutOfStock("sku-1");
        }
    }

    @ParameterizedTest(name = "{0} answered {1}: default task cancelled and named in an info line, on-error and always tasks run")
    @CsvSource({
        "/orders/conflict, 409",
        "/orders/crash, 500",
        "/orders/invalid?quantity=many, 422",
    })
    void whenTheRequestFailsItsDefaultTasksAreCancelledAndItsOnErrorAndAlwaysTasksRun(String path, int status) {
        var client = client(Coda.app().routes(new Orders()));

        var response = client.post(path);

        assertThat(response.status()).as(response.text()).isEqualTo(status);
        assertThat(names(response)).containsExactly("Notifications.send", "Notifications.page", "Notifications.count");
        assertThat(states(response)).containsExactly(TaskState.CANCELLED, TaskState.SUCCEEDED, TaskState.SUCCEEDED);
        assertThat(response.tasks().getFirst().failure()).get().isInstanceOf(CancellationException.class);
        assertThat(notifications.sent).containsExactly("paged: order failed", "counted: order attempt");
        var route = "POST " + path.replaceAll("\\?.*", "");
        assertThat(logs.of("dev.coda.tasks", Level.INFO, route, "Notifications.send", "will not run")).hasSize(1);
        assertThat(logs.of("dev.coda.tasks", Level.WARN)).as("a failed request is no reason for a warning about its tasks").isEmpty();
    }

    @Test
    void whenTheRequestSucceedsItsDefaultAndAlwaysTasksRunAndItsOnErrorTasksAreCancelledSilently() {
        var client = client(Coda.app().routes(new Orders()));

        var response = client.post("/orders");

        assertThat(response.status()).isEqualTo(200);
        assertThat(states(response)).containsExactly(TaskState.SUCCEEDED, TaskState.CANCELLED, TaskState.SUCCEEDED);
        assertThat(notifications.sent).containsExactly("ops@example.com: order placed", "counted: order attempt");
        assertThat(logs.at(Level.WARN)).isEmpty();
    }

    @Test
    void aTaskAttachedByAnExceptionHandlersResponseRunsAfterTheRequestsOwnTasksAlthoughTheRequestFailed() {
        var client = client(Coda.app().routes(new Orders()).exceptionHandler(OutOfStock.class, (request, e) ->
                Response.json(409, Map.of("detail", e.getMessage())).withTask(notifications::send, "buyer@example.com", "sorry")));

        var response = client.post("/orders/sold-out");

        assertThat(response.status()).isEqualTo(409);
        assertThat(response.json()).isEqualTo(Map.of("detail", "out of stock: sku-1"));
        assertThat(states(response)).containsExactly(TaskState.CANCELLED, TaskState.SUCCEEDED, TaskState.SUCCEEDED,
                TaskState.SUCCEEDED);
        assertThat(notifications.sent).containsExactly("paged: order failed", "counted: order attempt", "buyer@example.com: sorry");
    }

    @Test
    void aTaskAttachedByAnExceptionHandlerRunsEvenWhenNoRouteMatched() {
        var client = client(Coda.app().routes(new Orders()).exceptionHandler(HttpException.class, (request, e) ->
                Response.json(e.status(), Map.of("detail", e.detail())).withTask(notifications::count, request.method() + " " + request.path())));

        var response = client.get("/nowhere");

        assertThat(response.status()).isEqualTo(404);
        assertThat(states(response)).containsExactly(TaskState.SUCCEEDED);
        assertThat(notifications.sent).containsExactly("counted: GET /nowhere");
    }

    // ---------------------------------------------------------------- context

    static final ThreadLocal<String> TENANT = new ThreadLocal<>();

    /** Carries {@link #TENANT} into tasks, restoring the task thread's own value afterwards. */
    static final ContextPropagator TENANT_PROPAGATOR = () -> {
        var captured = TENANT.get();
        return () -> {
            var before = TENANT.get();
            TENANT.set(captured);
            return () -> TENANT.set(before);
        };
    };

    final class Context {
        final Map<String, String> seen = new ConcurrentHashMap<>();
        volatile String idSeenByEndpoint;

        void observe() {
            seen.put("requestId", String.valueOf(MDC.get("requestId")));
            seen.put("tenant", String.valueOf(TENANT.get()));
        }

        @Get("/context")
        public String context(Request request, BackgroundTasks tasks) {
            idSeenByEndpoint = request.id();
            TENANT.set("acme");
            try {
                tasks.addTask(this::observe);
            } finally {
                TENANT.remove();
            }
            return "ok";
        }
    }

    @Test
    void aTaskSeesTheRequestIdOfItsRequestInTheMdcAndTheContextOfACustomPropagator() {
        var routes = new Context();
        var client = client(Coda.app().routes(routes).backgroundTasks(b -> b.contextPropagator(TENANT_PROPAGATOR)));

        var response = client.request("GET", "/context").header("X-Request-Id", "req-7").send();

        assertThat(response.status()).isEqualTo(200);
        assertThat(routes.seen).containsEntry("requestId", "req-7").containsEntry("tenant", "acme");
    }

    @Test
    void withoutAnXRequestIdHeaderTheTaskSeesTheIdGeneratedForItsRequest() throws Exception {
        var routes = new Context();
        try (var server = Coda.app().routes(routes).host("127.0.0.1").port(0).start();
             var http = HttpClient.newHttpClient()) {
            var response = http.send(HttpRequest.newBuilder(server.uri().resolve("/context")).timeout(WAIT).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            await().atMost(WAIT).until(() -> routes.seen.containsKey("requestId"));
            assertThat(routes.idSeenByEndpoint).isNotBlank();
            assertThat(routes.seen).containsEntry("requestId", routes.idSeenByEndpoint).containsEntry("tenant", "null");
        }
    }

    // ---------------------------------------------------------------- handles, timeouts, groups

    final class Handles {
        final CyclicBarrier bothInside = new CyclicBarrier(2);
        final List<String> ran = new CopyOnWriteArrayList<>();

        void meet(String who) throws Exception {
            bothInside.await(WAIT.toSeconds(), TimeUnit.SECONDS);
            ran.add(who);
        }

        void record(String what) {
            ran.add(what);
        }

        @Post("/send-notification/{email}")
        public Map<String, String> send(String email, BackgroundTasks tasks) {
            var handle = tasks.addTask(notifications::send, email, "hello");
            return Map.of("id", handle.id(), "name", handle.name(), "state", handle.state().name());
        }

        @Post("/slow")
        public String slow(BackgroundTasks tasks) {
            tasks.withTimeout(Duration.ofMillis(200)).addTask(notifications::sendWhenReleased, "never");
            tasks.addTask(notifications::send, "ops@example.com", "after the slow one");
            return "ok";
        }

        @Post("/fan-out")
        public String fanOut(BackgroundTasks tasks) {
            tasks.parallel(group -> {
                group.addTask(this::meet, "index");
                group.addTask(this::meet, "cache");
            });
            tasks.addTask(this::record, "after the group");
            return "ok";
        }
    }

    @Test
    void addTaskReturnsAHandleWithAUniqueIdAndTheMethodReferencesNameAsTheTestClientSeesIt() {
        var client = client(Coda.app().routes(new Handles()));

        var first = client.post("/send-notification/ada@example.com");
        var second = client.post("/send-notification/grace@example.com");

        assertThat(first.json()).isEqualTo(Map.of("id", first.tasks().getFirst().id(), "name", "Notifications.send",
                "state", "QUEUED"));
        assertThat(names(first)).containsExactly("Notifications.send");
        assertThat(first.tasks().getFirst().id()).isNotBlank().isNotEqualTo(second.tasks().getFirst().id());
        assertThat(states(first)).containsExactly(TaskState.SUCCEEDED);
    }

    @Test
    void aTaskPastItsOwnTimeoutFailsWithATimeoutAndTheNextTaskStillRuns() {
        var client = client(Coda.app().routes(new Handles()));

        var response = client.post("/slow");

        assertThat(response.status()).isEqualTo(200);
        assertThat(states(response)).containsExactly(TaskState.FAILED, TaskState.SUCCEEDED);
        assertThat(response.tasks().getFirst().failure()).get().isInstanceOf(TimeoutException.class);
        assertThat(notifications.sent).containsExactly("ops@example.com: after the slow one");
    }

    @Test
    void theTasksOfAParallelGroupRunAtTheSameTimeAndTheNextTaskWaitsForThemAll() {
        var routes = new Handles();
        var client = client(Coda.app().routes(routes));

        var response = client.post("/fan-out");

        assertThat(states(response)).as("each waited for the other inside the group").containsOnly(TaskState.SUCCEEDED);
        assertThat(routes.ran).hasSize(3);
        assertThat(routes.ran.subList(0, 2)).containsExactlyInAnyOrder("index", "cache");
        assertThat(routes.ran.get(2)).isEqualTo("after the group");
    }

    // ---------------------------------------------------------------- asynchronous tasks

    final class Mail {
        volatile TaskHandle handle;

        @Post("/mail/{to}")
        public String mail(String to, BackgroundTasks tasks) {
            handle = tasks.addTask(notifications::deliver, to);
            return "queued";
        }
    }

    record Returned(TestResponse response, TaskState stateOnReturn) {
    }

    @Test
    void theTestClientAwaitsTheFutureOfAnAsynchronousTaskWhichIsRunningUntilItCompletes() throws Exception {
        var routes = new Mail();
        var client = client(Coda.app().routes(routes));

        try (var thread = Executors.newVirtualThreadPerTaskExecutor()) {
            var call = CompletableFuture.supplyAsync(() -> {
                var response = client.post("/mail/ada@example.com");
                return new Returned(response, response.tasks().getFirst().state());
            }, thread);
            await().atMost(WAIT).until(() -> routes.handle != null && routes.handle.state() == TaskState.RUNNING);
            assertThat(call).as("the call waits for the future").isNotDone();

            notifications.delivery.complete(null);

            var returned = call.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(returned.stateOnReturn()).isEqualTo(TaskState.SUCCEEDED);
            assertThat(returned.response().status()).isEqualTo(200);
            assertThat(notifications.sent).containsExactly("delivered to ada@example.com");
        }
    }

    // ---------------------------------------------------------------- metrics

    @Test
    void finishedTasksAreCountedByOutcomeInTheConfiguredMeterRegistry() {
        var registry = new SimpleMeterRegistry();
        var client = client(Coda.app().routes(new Signup()).backgroundTasks(b -> b.meterRegistry(registry)));

        for (var email : List.of("ada@example.com", "grace@example.com", "alan@example.com")) {
            assertThat(client.post("/send-notification/" + email).status()).isEqualTo(200);   // one failing task, one succeeding
        }

        var succeeded = registry.find("coda.tasks.completed").tag("outcome", "succeeded").counters().stream()
                .mapToDouble(Counter::count).sum();
        var failed = registry.find("coda.tasks.completed").tag("outcome", "failed").counters().stream()
                .mapToDouble(Counter::count).sum();
        assertThat(succeeded).isEqualTo(3.0);
        assertThat(failed).isEqualTo(3.0);
        assertThat(registry.get("coda.tasks.completed").tag("task", "Notifications.send").tag("outcome", "succeeded")
                .counter().count()).isEqualTo(3.0);
        assertThat(registry.get("coda.tasks.completed").tag("task", "Notifications.explode").tag("outcome", "failed")
                .counter().count()).isEqualTo(3.0);
        assertThat(registry.get("coda.tasks.runs").tag("task", "Notifications.send").tag("outcome", "succeeded")
                .timer().count()).isEqualTo(3);
    }

    // ---------------------------------------------------------------- a runtime of one's own

    @Test
    void anAppGivenATaskRuntimeRunsItsTasksThere() {
        var registry = new SimpleMeterRegistry();
        var runtime = TaskRuntime.builder().meterRegistry(registry).build();
        toClose.add(runtime);
        var client = client(Coda.app().routes(new Handles()).tasks(runtime));

        var response = client.post("/send-notification/ada@example.com");

        assertThat(states(response)).containsExactly(TaskState.SUCCEEDED);
        assertThat(registry.get("coda.tasks.completed").tag("task", "Notifications.send").tag("outcome", "succeeded")
                .counter().count()).isEqualTo(1.0);
    }

    @Test
    void backgroundTaskSettingsGivenWithARuntimeOfOnesOwnAreReportedRatherThanIgnored() {
        var runtime = TaskRuntime.create();
        toClose.add(runtime);
        var app = Coda.app().routes(new Handles()).tasks(runtime).backgroundTasks(b -> b.maxConcurrency(4));

        assertThatThrownBy(app::build).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("backgroundTasks(...)").hasMessageContaining("tasks(...)");
    }
}
