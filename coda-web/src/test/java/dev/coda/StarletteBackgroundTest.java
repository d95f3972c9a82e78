package dev.coda;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.coda.tasks.BackgroundTasks;
import dev.coda.tasks.TaskHandle;
import dev.coda.tasks.TaskState;
import dev.coda.testing.TestClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Java counterparts of Starlette's {@code tests/test_background.py}, and of the Starlette and FastAPI tests
 * around it that make sense for Coda (spec section B.1). Starlette's tests attach tasks to the response they
 * return ({@code Response(..., background=...)}): here that is {@link Response#withTask}. Like FastAPI's
 * TestClient, Coda's waits for a request's tasks before returning ({@link TestClient.TaskMode#AWAIT}), so
 * the tasks' effects can be asserted right after a call; unlike it, a failing task does not make the call
 * throw (the response was already sent): the failure is on the task's handle.
 */
class StarletteBackgroundTest {

    /** What the tasks of one test did. */
    static final class Effects {
        final AtomicBoolean flag = new AtomicBoolean();
        final AtomicInteger counter = new AtomicInteger();
        final List<String> events = new CopyOnWriteArrayList<>();

        void setFlag() {
            flag.set(true);
        }

        /** Completes later, on another thread: only awaiting the returned stage sees the flag set. */
        CompletionStage<Void> setFlagAsynchronously() {
            return CompletableFuture.runAsync(() -> flag.set(true), CompletableFuture.delayedExecutor(200, MILLISECONDS));
        }

        void increment(int amount) {
            counter.addAndGet(amount);
            events.add("increment " + amount);
        }

        void incrementFailingTheFirstTime() throws Exception {
            if (counter.incrementAndGet() == 1) {
                throw new Exception("task failed");
            }
        }

        void record(String event) {
            events.add(event);
        }

        void raise() {
            throw new IllegalStateException("Something went wrong");
        }
    }

    private static TestClient client(Coda.Builder app) {
        return TestClient.of(app.build());
    }

    // ------------------------------------------------------------------ tests/test_background.py

    static final class AsyncTaskRoutes {
        private final Effects effects;

        AsyncTaskRoutes(Effects effects) {
            this.effects = effects;
        }

        @Get("/")
        public Response root() {
            return Response.text("task initiated").withTask(effects::setFlagAsynchronously);
        }
    }

    /**
     * Mirrors Starlette's {@code test_background.py::test_async_task}: an asynchronous task (it returns a
     * {@link CompletionStage}, Python's {@code async def}) is awaited until its stage completes, so its effect
     * is there when the client call returns.
     */
    @Test
    void anAsynchronousTaskHasCompletedWhenTheClientCallReturns() {
        var effects = new Effects();
        try (var client = client(Coda.app().routes(new AsyncTaskRoutes(effects)))) {
            var response = client.get("/");

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("content-type")).contains("text/plain; charset=utf-8");
            assertThat(response.text()).isEqualTo("task initiated");
            assertThat(effects.flag).isTrue();
            assertThat(response.tasks()).extracting(TaskHandle::state).containsExactly(TaskState.SUCCEEDED);
        }
    }

    static final class SyncTaskRoutes {
        private final Effects effects;

        SyncTaskRoutes(Effects effects) {
            this.effects = effects;
        }

        @Get("/")
        public Response root() {
            return Response.text("task initiated").withTask(effects::setFlag);
        }
    }

    /** Mirrors Starlette's {@code test_background.py::test_sync_task}. */
    @Test
    void aSynchronousTaskHasRunWhenTheClientCallReturns() {
        var effects = new Effects();
        try (var client = client(Coda.app().routes(new SyncTaskRoutes(effects)))) {
            var response = client.get("/");

            assertThat(response.text()).isEqualTo("task initiated");
            assertThat(effects.flag).isTrue();
            assertThat(response.tasks()).extracting(TaskHandle::name).containsExactly("StarletteBackgroundTest.Effects.setFlag");
        }
    }

    static final class MultipleTasksRoutes {
        private final Effects effects;

        MultipleTasksRoutes(Effects effects) {
            this.effects = effects;
        }

        @Get("/")
        public Response root() {
            return Response.text("tasks initiated").withTasks(tasks -> {
                tasks.addTask(effects::increment, 1);
                tasks.addTask(effects::increment, 2);
                tasks.addTask(effects::increment, 3);
            });
        }
    }

    /** Mirrors Starlette's {@code test_background.py::test_multiple_tasks}; the order they ran in is asserted too. */
    @Test
    void multipleTasksAllRunInTheOrderTheyWereAdded() {
        var effects = new Effects();
        try (var client = client(Coda.app().routes(new MultipleTasksRoutes(effects)))) {
            var response = client.get("/");

            assertThat(response.text()).isEqualTo("tasks initiated");
            assertThat(effects.counter).hasValue(6);
            assertThat(effects.events).containsExactly("increment 1", "increment 2", "increment 3");
        }
    }

    static final class FailingTasksRoutes {
        private final Effects effects;

        FailingTasksRoutes(Effects effects) {
            this.effects = effects;
        }

        @Get("/")
        public Response root() {
            return Response.text("tasks initiated").withTasks(tasks -> {
                tasks.addTask(effects::incrementFailingTheFirstTime);
                tasks.addTask(effects::incrementFailingTheFirstTime);
                tasks.addTask(effects::incrementFailingTheFirstTime);
            });
        }
    }

    /**
     * Starlette's {@code test_background.py::test_multi_tasks_failure_avoids_next_execution}, turned around:
     * in Coda a failing task is isolated by default, and the tasks after it still run (in Starlette one
     * failure silently drops every later task of the request). The response is intact; the failure is on the
     * first task's handle.
     */
    @Test
    void byDefaultAFailingTaskDoesNotStopTheTasksAfterIt() {
        var effects = new Effects();
        try (var client = client(Coda.app().routes(new FailingTasksRoutes(effects)))) {
            var response = client.get("/");

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.text()).isEqualTo("tasks initiated");
            assertThat(effects.counter).hasValue(3);
            assertThat(response.tasks()).extracting(TaskHandle::state)
                    .containsExactly(TaskState.FAILED, TaskState.SUCCEEDED, TaskState.SUCCEEDED);
            assertThat(response.tasks().getFirst().failure()).hasValueSatisfying(
                    error -> assertThat(error).isExactlyInstanceOf(Exception.class).hasMessage("task failed"));
        }
    }

    /**
     * Mirrors Starlette's {@code test_background.py::test_multi_tasks_failure_avoids_next_execution} with
     * fail-fast on: Starlette's behaviour (the counter stays at 1), except that the skipped tasks are not lost
     * silently but cancelled, with the reason on their handles.
     */
    @Test
    void withFailFastAFailingTaskCancelsTheTasksAfterItAsInStarlette() {
        var effects = new Effects();
        var app = Coda.app().routes(new FailingTasksRoutes(effects)).backgroundTasks(b -> b.failFast(true));
        try (var client = client(app)) {
            var response = client.get("/");

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.text()).isEqualTo("tasks initiated");
            assertThat(effects.counter).hasValue(1);
            assertThat(response.tasks()).extracting(TaskHandle::state)
                    .containsExactly(TaskState.FAILED, TaskState.CANCELLED, TaskState.CANCELLED);
            assertThat(response.tasks().get(1).failure()).hasValueSatisfying(
                    reason -> assertThat(reason).hasMessageContaining("fail-fast"));
        }
    }

    // ------------------------------------------------------------------ related Starlette tests

    static final class NoContentRoutes {
        private final Effects effects;

        NoContentRoutes(Effects effects) {
            this.effects = effects;
        }

        @Delete("/")
        public Response delete() {
            return Response.noContent().withTask(effects::raise);
        }

        @Delete("/injected")
        public Response deleteWithInjectedTasks(BackgroundTasks backgroundTasks) {
            backgroundTasks.addTask(effects::raise);
            return Response.noContent();
        }
    }

    /**
     * Mirrors Starlette's {@code tests/middleware/test_errors.py::test_background_task}: a 204 whose task
     * raises is still a 204, and the error is reported to the handler the app registered (in Coda, the task
     * runtime's error handler; the response is long gone when a task fails).
     */
    @Test
    void aNoContentResponseWhoseTaskRaisesIsStillA204AndTheErrorHandlerIsTold() {
        var effects = new Effects();
        var reported = new CopyOnWriteArrayList<String>();
        var app = Coda.app().routes(new NoContentRoutes(effects))
                .backgroundTasks(b -> b.errorHandler((task, error) -> reported.add(task.name() + ": " + error.getMessage())));
        try (var client = client(app)) {
            var attached = client.delete("/");
            var injected = client.delete("/injected");

            assertThat(attached.status()).isEqualTo(204);
            assertThat(attached.bytes()).isEmpty();
            assertThat(injected.status()).isEqualTo(204);
            assertThat(injected.bytes()).isEmpty();
            assertThat(reported).containsExactly(
                    "StarletteBackgroundTest.Effects.raise: Something went wrong",
                    "StarletteBackgroundTest.Effects.raise: Something went wrong");
        }
    }

    static final class MissingItemRoutes {
        @Get("/items/{id}")
        public Map<String, String> item(String id) {
            throw new HttpException(404, "no item " + id);
        }
    }

    private static Coda.Builder auditingErrors(Effects effects) {
        return Coda.app().routes(new MissingItemRoutes()).exceptionHandler(HttpException.class, (request, e) ->
                Response.json(e.status(), Map.of("detail", e.detail()))
                        .withTask(effects::record, "audit " + e.status() + " " + request.path()));
    }

    /**
     * Starlette runs the background of any response it sends, including one built by an exception handler
     * (the error middleware test above relies on it). Coda attaches such tasks with {@code always()}, so they
     * run although the request failed.
     */
    @Test
    void aTaskAttachedByAnExceptionHandlerToAnErrorOfAPathOperationRuns() {
        var effects = new Effects();
        try (var client = client(auditingErrors(effects))) {
            var response = client.get("/items/42");

            assertThat(response.status()).isEqualTo(404);
            assertThat(response.json()).isEqualTo(Map.of("detail", "no item 42"));
            assertThat(effects.events).containsExactly("audit 404 /items/42");
        }
    }

    /**
     * The same handler answering a path no route matches: Starlette would run the response's background here
     * too. Coda drops the task silently (no log, no handle): {@code Application.render} only attaches a
     * response's tasks when the request was routed, and {@code AfterResponse.run} returns at once for an
     * unrouted outcome.
     */
    @Test
    void aTaskAttachedByAnExceptionHandlerToANotFoundForAnUnknownPathRuns() {
        var effects = new Effects();
        try (var client = client(auditingErrors(effects))) {
            var response = client.get("/nothing/here");

            assertThat(response.status()).isEqualTo(404);
            assertThat(response.json()).isEqualTo(Map.of("detail", "Not Found"));
            assertThat(effects.events).containsExactly("audit 404 /nothing/here");
        }
    }

    static final class MergingRoutes {
        private final Effects effects;

        MergingRoutes(Effects effects) {
            this.effects = effects;
        }

        @Get("/")
        public Response root(BackgroundTasks backgroundTasks) {
            backgroundTasks.addTask(effects::record, "from the BackgroundTasks parameter");
            return Response.text("merged").withTask(effects::record, "from the response");
        }
    }

    /**
     * A task attached to a response the path operation builds itself (the seed's "technical details") runs
     * after the tasks added through the request's {@code BackgroundTasks}. FastAPI keeps only the response's
     * own background then and silently drops the others (spec C-26, fastapi/fastapi#11215); Coda merges them.
     */
    @Test
    void aTaskAttachedToATextResponseRunsAfterTheRequestsTasksInsteadOfReplacingThem() {
        var effects = new Effects();
        try (var client = client(Coda.app().routes(new MergingRoutes(effects)))) {
            var response = client.get("/");

            assertThat(response.text()).isEqualTo("merged");
            assertThat(response.header("content-type")).contains("text/plain; charset=utf-8");
            assertThat(effects.events).containsExactly("from the BackgroundTasks parameter", "from the response");
            assertThat(response.tasks()).hasSize(2);
        }
    }

    static final class BlockingRoutes {
        private final Effects effects;
        private final CountDownLatch release;

        BlockingRoutes(Effects effects, CountDownLatch release) {
            this.effects = effects;
            this.release = release;
        }

        @Get("/{n}")
        public Response root(int n, BackgroundTasks backgroundTasks) {
            backgroundTasks.addTask(this::blockUntilReleased, n);
            return Response.text("Hello " + n);
        }

        void blockUntilReleased(int n) throws InterruptedException {
            effects.record("started " + n);
            if (release.await(30, TimeUnit.SECONDS)) {
                effects.record("finished " + n);
            }
        }
    }

    /**
     * Mirrors Starlette's {@code tests/middleware/test_base.py::test_do_not_block_on_background_tasks}, over a
     * real socket: two clients get their whole responses while both requests' tasks are still running.
     */
    @Test
    void responsesAreNotHeldBackByTheirRunningTasks() throws Exception {
        var effects = new Effects();
        var release = new CountDownLatch(1);
        var app = Coda.app().routes(new BlockingRoutes(effects, release)).host("127.0.0.1").port(0).build();
        try (var server = app.start();
             var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            try {
                var first = http.send(get(server.uri(), "/1"), HttpResponse.BodyHandlers.ofString());
                var second = http.send(get(server.uri(), "/2"), HttpResponse.BodyHandlers.ofString());

                assertThat(first.body()).isEqualTo("Hello 1");
                assertThat(second.body()).isEqualTo("Hello 2");
                await().atMost(Duration.ofSeconds(10))
                        .untilAsserted(() -> assertThat(effects.events).containsExactlyInAnyOrder("started 1", "started 2"));
            } finally {
                release.countDown();
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(effects.events)
                    .containsExactlyInAnyOrder("started 1", "started 2", "finished 1", "finished 2"));
        }
    }

    static final class DisconnectRoutes {
        private final Effects effects;
        private final CountDownLatch clientGone;

        DisconnectRoutes(Effects effects, CountDownLatch clientGone) {
            this.effects = effects;
            this.clientGone = clientGone;
        }

        @Get("/")
        public Response root(BackgroundTasks backgroundTasks) throws InterruptedException {
            backgroundTasks.addTask(effects::setFlag);
            clientGone.await(10, TimeUnit.SECONDS);
            return Response.text("nobody reads this");
        }
    }

    /**
     * Mirrors Starlette's {@code tests/middleware/test_base.py::test_run_background_tasks_even_if_client_disconnects}
     * (starlette#1438), over a real socket: the client hangs up before the response; the task still runs.
     */
    @Test
    void theTasksRunEvenIfTheClientDisconnectsBeforeTheResponse() throws Exception {
        var effects = new Effects();
        var clientGone = new CountDownLatch(1);
        var app = Coda.app().routes(new DisconnectRoutes(effects, clientGone)).host("127.0.0.1").port(0).build();
        try (var server = app.start()) {
            try (var raw = new RawHttp(server.port())) {
                raw.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            } finally {
                clientGone.countDown();
            }

            await().atMost(Duration.ofSeconds(10)).untilTrue(effects.flag);
        }
    }

    private static HttpRequest get(URI base, String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).build();
    }

    // ------------------------------------------------------------------ related FastAPI tests

    static final class DependencyTaskRoutes {
        private final Effects effects;

        DependencyTaskRoutes(Effects effects) {
            this.effects = effects;
        }

        @Dependency
        BackgroundTasks addBackgroundTask(BackgroundTasks backgroundTasks) {
            backgroundTasks.addTask(effects::record, "from dependency");
            return backgroundTasks;
        }

        @Get("/")
        public Map<String, String> endpoint(@Depends("addBackgroundTask") BackgroundTasks backgroundTasks) {
            backgroundTasks.addTask(effects::record, "from endpoint");
            return Map.of("status", "ok");
        }
    }

    /**
     * Mirrors FastAPI's {@code tests/test_response_dependency.py::test_background_tasks_with_depends_annotated}
     * ({@code Annotated[BackgroundTasks, Depends(add_background_task)]}): the dependency receives the request's
     * {@code BackgroundTasks}, adds a task and returns it; the endpoint adds one; both run, the dependency's first.
     */
    @Test
    void aDependencyThatAddsATaskAndReturnsTheTasksSharesThemWithTheEndpoint() {
        var effects = new Effects();
        try (var client = client(Coda.app().routes(new DependencyTaskRoutes(effects)))) {
            var response = client.get("/");

            assertThat(response.status()).as(response.text()).isEqualTo(200);
            assertThat(response.json()).isEqualTo(Map.of("status", "ok"));
            assertThat(effects.events).containsExactly("from dependency", "from endpoint");
        }
    }

    record ContextA(Map<String, String> state) {
    }

    record ContextB(Map<String, String> state) {
    }

    /** FastAPI's {@code context_a} and {@code context_b} (a {@code yield} dependency on the first) and their endpoints. */
    static final class ContextRoutes {
        final Map<String, String> state = new ConcurrentHashMap<>(
                Map.of("context_a", "not started a", "context_b", "not started b", "bg", "not set"));

        @Dependency
        Managed<ContextA> contextA() {
            state.put("context_a", "started a");
            return Managed.of(new ContextA(state), () -> state.put("context_a", "finished a"));
        }

        @Dependency
        Managed<ContextB> contextB(ContextA a) {
            state.put("context_b", "started b");
            return Managed.of(new ContextB(a.state()),
                    () -> state.put("context_b", "finished b with a: " + state.get("context_a")));
        }

        @Get("/context_b_bg")
        public Map<String, String> contextBackground(BackgroundTasks tasks, ContextB b) {
            tasks.addTask(ContextRoutes::bgAsynchronously, b.state());
            return new TreeMap<>(b.state());
        }

        @Get("/sync_context_b_bg")
        public Map<String, String> syncContextBackground(BackgroundTasks tasks, ContextB b) {
            tasks.addTask(ContextRoutes::bg, b.state());
            return new TreeMap<>(b.state());
        }

        static CompletionStage<Void> bgAsynchronously(Map<String, String> state) {
            return CompletableFuture.runAsync(() -> bg(state));
        }

        static void bg(Map<String, String> state) {
            state.put("bg", "bg set - b: " + state.get("context_b") + " - a: " + state.get("context_a"));
        }
    }

    /**
     * Mirrors FastAPI's {@code tests/test_dependency_contextmanager.py::test_background_tasks} (asynchronous task)
     * and {@code ::test_sync_background_tasks}: the response shows both dependencies started and no task run;
     * the task then sees them still open, and only after it are they closed, the inner one first.
     */
    @ParameterizedTest
    @ValueSource(strings = {"/context_b_bg", "/sync_context_b_bg"})
    void aTaskRunsWhileTheRequestsDependencyResourcesAreStillOpenAndTheyCloseAfterIt(String path) {
        var routes = new ContextRoutes();
        try (var client = client(Coda.app().routes(routes))) {
            var response = client.get(path);

            assertThat(response.status()).as(response.text()).isEqualTo(200);
            assertThat(response.json()).isEqualTo(Map.of("context_a", "started a", "context_b", "started b", "bg", "not set"));
            assertThat(routes.state).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "context_a", "finished a",
                    "context_b", "finished b with a: started a",
                    "bg", "bg set - b: started b - a: started a"));
        }
    }

    record Audited() {
    }

    static final class AuditDependencies {
        private final Effects effects;

        AuditDependencies(Effects effects) {
            this.effects = effects;
        }

        @Dependency
        Audited audit(BackgroundTasks backgroundTasks, Request request) {
            backgroundTasks.addTask(effects::record, "audit " + request.method() + " " + request.path());
            return new Audited();
        }
    }

    static final class PlainRoutes {
        private final Effects effects;

        PlainRoutes(Effects effects) {
            this.effects = effects;
        }

        @Get("/items")
        public List<String> items() {
            return List.of("a", "b");
        }

        @Post("/items")
        public Map<String, String> create(BackgroundTasks backgroundTasks) {
            backgroundTasks.addTask(effects::record, "from endpoint");
            return Map.of("status", "created");
        }
    }

    /**
     * Mirrors FastAPI's {@code tests/test_frontend.py::test_frontend_dependency_response_headers_and_background_tasks}:
     * an app-level dependency ({@code Coda.app().requires(...)}) that adds a task runs it, for a path operation
     * that knows nothing of background tasks and, before its own, for one that adds tasks too.
     */
    @Test
    void anAppLevelDependencyThatAddsATaskRunsItForEveryPathOperation() {
        var effects = new Effects();
        var app = Coda.app().routes(new PlainRoutes(effects)).dependencies(new AuditDependencies(effects))
                .requires(Audited.class);
        try (var client = client(app)) {
            var listed = client.get("/items");

            assertThat(listed.json()).isEqualTo(List.of("a", "b"));
            assertThat(effects.events).containsExactly("audit GET /items");

            var created = client.post("/items");

            assertThat(created.json()).isEqualTo(Map.of("status", "created"));
            assertThat(effects.events).containsExactly("audit GET /items", "audit POST /items", "from endpoint");
        }
    }
}
