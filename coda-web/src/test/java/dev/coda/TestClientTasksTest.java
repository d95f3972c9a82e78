package dev.coda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.coda.tasks.BackgroundTasks;
import dev.coda.tasks.TaskHandle;
import dev.coda.tasks.TaskState;
import dev.coda.testing.TestClient;
import dev.coda.testing.TestClient.TaskMode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The test client's two ways with background tasks: {@link TaskMode#AWAIT} (each call returns once the
 * request's tasks have finished, like FastAPI's TestClient) and {@link TaskMode#HOLD} (the response
 * first; the tasks run when the test says so).
 */
class TestClientTasksTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<String> events = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final CompletableFuture<Void> delivery = new CompletableFuture<>();
    private final List<TestClient> clients = new ArrayList<>();

    @AfterEach
    void releaseAndClose() {
        release.countDown();
        delivery.complete(null);
        clients.forEach(TestClient::close);
    }

    private TestClient client(TaskMode mode) {
        var client = TestClient.of(Coda.app().routes(new Routes()).build(), mode);
        clients.add(client);
        return client;
    }

    record Connection(String name) {
    }

    final class Routes {
        void record(String what) {
            events.add(what);
        }

        void recordWhenReleased(String what) throws InterruptedException {
            events.add(what + " started");
            if (!release.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
            events.add(what);
        }

        CompletableFuture<Void> deliver(String to) {
            return delivery.thenRun(() -> events.add("delivered to " + to));
        }

        @Dependency
        Managed<Connection> connection() {
            return Managed.of(new Connection("db"), () -> events.add("connection closed"));
        }

        @Post("/items/{name}")
        public Map<String, String> create(String name, BackgroundTasks tasks) {
            tasks.addTask(this::record, "indexed " + name);
            tasks.addTask(this::record, "mailed " + name);
            return Map.of("created", name);
        }

        @Post("/slow/{name}")
        public String slow(String name, BackgroundTasks tasks) {
            tasks.addTask(this::recordWhenReleased, name);
            return "ok";
        }

        @Post("/with-connection/{name}")
        public String withConnection(String name, Connection connection, BackgroundTasks tasks) {
            tasks.addTask(this::record, "used " + connection.name() + " for " + name);
            return "ok";
        }

        @Post("/mail/{to}")
        public String mail(String to, BackgroundTasks tasks) {
            tasks.addTask(this::deliver, to);
            return "queued";
        }

        @Post("/failing/{name}")
        public String failing(String name, BackgroundTasks tasks) {
            tasks.addTask(this::record, "default for " + name);
            tasks.onError().addTask(this::record, "on error for " + name);
            throw new HttpException(400, "bad " + name);
        }
    }

    private static List<TaskState> states(List<TaskHandle> handles) {
        return handles.stream().map(TaskHandle::state).toList();
    }

    // ---------------------------------------------------------------- AWAIT

    @Test
    void inAwaitModeACallReturnsAfterTheRequestsTasksSoTheirEffectIsVisibleImmediately() {
        var client = client(TaskMode.AWAIT);

        var response = client.post("/items/pen");

        assertThat(response.status()).isEqualTo(200);
        assertThat(events).containsExactly("indexed pen", "mailed pen");
        assertThat(response.tasks()).hasSize(2);
        assertThat(states(response.tasks())).containsOnly(TaskState.SUCCEEDED);
    }

    @Test
    void awaitIsTheDefaultMode() {
        var client = TestClient.of(Coda.app().routes(new Routes()).build());
        clients.add(client);

        var response = client.post("/items/pen");

        assertThat(events).containsExactly("indexed pen", "mailed pen");
        assertThat(states(response.tasks())).containsOnly(TaskState.SUCCEEDED);
    }

    @Test
    void inAwaitModeOverTheNetworkACallAlsoReturnsAfterTheRequestsTasks() {
        var client = TestClient.overNetwork(Coda.app().routes(new Routes()).build());
        clients.add(client);

        var response = client.post("/with-connection/pen");

        assertThat(response.status()).isEqualTo(200);
        assertThat(events).containsExactly("used db for pen", "connection closed");
        assertThat(states(response.tasks())).containsExactly(TaskState.SUCCEEDED);
    }

    @Test
    void inAwaitModeACallAlsoWaitsForTheDependencyCleanupsThatFollowTheTasks() {
        var client = client(TaskMode.AWAIT);

        client.post("/with-connection/pen");

        assertThat(events).containsExactly("used db for pen", "connection closed");
    }

    @Test
    void inAwaitModeARequestWithoutTasksHasNone() {
        var client = client(TaskMode.AWAIT);

        var response = client.get("/nowhere");

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.tasks()).isEmpty();
    }

    // ---------------------------------------------------------------- HOLD

    @Test
    void inHoldModeACallReturnsBeforeTheTasksRunAndTheyWaitQueuedForTheTest() {
        var client = client(TaskMode.HOLD);

        var response = client.post("/items/pen");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json()).isEqualTo(Map.of("created", "pen"));
        assertThat(events).isEmpty();
        assertThat(states(response.tasks())).containsExactly(TaskState.QUEUED, TaskState.QUEUED);
        assertThat(client.heldTasks()).containsExactlyElementsOf(response.tasks());
    }

    @Test
    void runHeldTasksRunsTheHeldTasksInRequestOrderAndReturnsTheirTerminalHandles() {
        var client = client(TaskMode.HOLD);
        var first = client.post("/items/pen");
        var second = client.post("/items/ink");
        assertThat(client.heldTasks()).hasSize(4);

        var ran = client.runHeldTasks();

        assertThat(events).containsExactly("indexed pen", "mailed pen", "indexed ink", "mailed ink");
        assertThat(ran).containsExactly(first.tasks().get(0), first.tasks().get(1), second.tasks().get(0), second.tasks().get(1));
        assertThat(states(ran)).containsOnly(TaskState.SUCCEEDED);
        assertThat(client.heldTasks()).isEmpty();
        assertThat(client.runHeldTasks()).as("nothing left to run").isEmpty();
    }

    @Test
    void runHeldTasksStartsTheNextRequestsTasksOnlyOnceThePreviousRequestsHaveFinished() throws Exception {
        var client = client(TaskMode.HOLD);
        client.post("/slow/first");
        var second = client.post("/items/pen");

        try (var thread = Executors.newVirtualThreadPerTaskExecutor()) {
            var running = CompletableFuture.supplyAsync(client::runHeldTasks, thread);
            await().atMost(WAIT).until(() -> events.contains("first started"));
            await("the second request's tasks wait for the first's").during(Duration.ofMillis(300)).atMost(WAIT)
                    .until(() -> states(second.tasks()).equals(List.of(TaskState.QUEUED, TaskState.QUEUED)));

            release.countDown();

            assertThat(states(running.get(WAIT.toSeconds(), TimeUnit.SECONDS))).containsOnly(TaskState.SUCCEEDED);
        }
        assertThat(events).containsExactly("first started", "first", "indexed pen", "mailed pen");
    }

    @Test
    void inHoldModeDependencyCleanupsAreHeldTooAndRunAfterTheHeldTasks() {
        var client = client(TaskMode.HOLD);

        client.post("/with-connection/pen");
        assertThat(events).as("neither the task nor the cleanup ran").isEmpty();
        client.runHeldTasks();

        assertThat(events).containsExactly("used db for pen", "connection closed");
    }

    @Test
    void inHoldModeTheHeldTasksOfAFailedRequestKeepTheirPhase() {
        var client = client(TaskMode.HOLD);

        var response = client.post("/failing/pen");
        assertThat(response.status()).isEqualTo(400);
        assertThat(states(client.heldTasks())).as("the default task is cancelled when the failure is answered")
                .containsExactly(TaskState.CANCELLED, TaskState.QUEUED);
        var ran = client.runHeldTasks();

        assertThat(states(ran)).containsExactly(TaskState.CANCELLED, TaskState.SUCCEEDED);
        assertThat(events).containsExactly("on error for pen");
    }

    record Returned(List<TaskHandle> handles, List<TaskState> statesOnReturn) {
    }

    @Test
    void inHoldModeAnAsynchronousTaskIsRunningUntilItsFutureCompletesAndRunHeldTasksWaitsForIt() throws Exception {
        var client = client(TaskMode.HOLD);
        var response = client.post("/mail/ada@example.com");
        var task = response.tasks().getFirst();
        assertThat(task.state()).isEqualTo(TaskState.QUEUED);

        try (var thread = Executors.newVirtualThreadPerTaskExecutor()) {
            var running = CompletableFuture.supplyAsync(() -> {
                var handles = client.runHeldTasks();
                return new Returned(handles, states(handles));
            }, thread);
            await().atMost(WAIT).until(() -> task.state() == TaskState.RUNNING);
            assertThat(running).as("runHeldTasks waits for the future").isNotDone();
            assertThat(events).isEmpty();

            delivery.complete(null);

            var returned = running.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(returned.statesOnReturn()).containsExactly(TaskState.SUCCEEDED);
            assertThat(returned.handles()).containsExactly(task);
        }
        assertThat(events).containsExactly("delivered to ada@example.com");
    }

    // ---------------------------------------------------------------- several clients, or a client and a server, of one app

    @Test
    void twoClientsOfOneAppEachAwaitTheTasksOfTheirOwnRequests() {
        var app = Coda.app().routes(new Routes()).build();
        var first = TestClient.of(app);
        clients.add(first);
        var second = TestClient.of(app, TaskMode.HOLD);
        clients.add(second);

        var awaited = first.post("/items/pen");
        var held = second.post("/items/ink");

        assertThat(states(awaited.tasks())).containsExactly(TaskState.SUCCEEDED, TaskState.SUCCEEDED);
        assertThat(states(held.tasks())).containsExactly(TaskState.QUEUED, TaskState.QUEUED);
        assertThat(first.heldTasks()).isEmpty();
        assertThat(second.heldTasks()).containsExactlyElementsOf(held.tasks());
        assertThat(events).containsExactly("indexed pen", "mailed pen");
    }

    @Test
    void aHoldingClientDoesNotHoldTheTasksOfRequestsToTheSameAppStartedAsAServer() throws Exception {
        var app = Coda.app().routes(new Routes()).host("127.0.0.1").port(0).build();
        var client = TestClient.of(app, TaskMode.HOLD);
        clients.add(client);
        try (var server = app.start(); var http = HttpClient.newHttpClient()) {
            var response = http.send(HttpRequest.newBuilder(server.uri().resolve("/items/pen"))
                    .POST(HttpRequest.BodyPublishers.noBody()).timeout(WAIT).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            await().atMost(WAIT).until(() -> events.size() == 2);
            assertThat(events).containsExactly("indexed pen", "mailed pen");
            assertThat(client.heldTasks()).isEmpty();
        }
    }
}
