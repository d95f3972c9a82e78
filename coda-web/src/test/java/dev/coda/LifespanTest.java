package dev.coda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.coda.tasks.BackgroundTasks;
import dev.coda.tasks.DurableHandoff;
import dev.coda.tasks.TaskCall;
import dev.coda.testing.TestClient;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Startup and shutdown: app-scoped resources and hooks run in declaration order at start, undone in reverse at stop,
 * after in-flight requests (and their durable handoff) and the background tasks.
 */
class LifespanTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<String> events = new CopyOnWriteArrayList<>();
    private final CountDownLatch handlerRelease = new CountDownLatch(1);
    private final CountDownLatch taskRelease = new CountDownLatch(1);
    private final CountDownLatch handlerEntered = new CountDownLatch(1);

    @AfterEach
    void release() {
        handlerRelease.countDown();
        taskRelease.countDown();
    }

    /** A resource that records its life. */
    final class Pool implements AutoCloseable {
        final String name;
        volatile boolean closed;

        Pool(String name) {
            this.name = name;
            events.add("open " + name);
        }

        String use() {
            if (closed) {
                throw new IllegalStateException(name + " is closed");
            }
            return name;
        }

        @Override
        public void close() {
            closed = true;
            events.add("close " + name);
        }
    }

    /** A second resource type, so that two resources can be declared. */
    final class Client implements AutoCloseable {
        final Pool pool;

        Client(Pool pool) {
            this.pool = pool;
            events.add("open client");
        }

        @Override
        public void close() {
            events.add("close client");
        }
    }

    record Greeting(String text) {
    }

    public static final class Routes {
        @Dependency
        public Greeting greeting(Pool pool) {
            return new Greeting("hello from " + pool.use());
        }

        @Get("/pool")
        public Map<String, Object> pool(Pool pool, Greeting greeting) {
            return Map.of("pool", pool.use(), "identity", System.identityHashCode(pool), "greeting", greeting.text());
        }
    }

    @Test
    void resourcesAndHooksRunInOrderAtStartAndInReverseAtStopAndAreInjectedAsTheSameObject() {
        var pools = new AtomicInteger();
        var holder = new Pool[1];
        var app = Coda.app().port(0)
                .resource(Pool.class, () -> holder[0] = new Pool("pool" + pools.incrementAndGet()))
                .onStartup(() -> events.add("startup"))
                .resource(Client.class, () -> new Client(holder[0]))
                .onShutdown(() -> events.add("shutdown"))
                .routes(new Routes())
                .build();
        assertThat(events).as("nothing is created by build()").isEmpty();

        try (var client = TestClient.of(app)) {
            assertThat(events).containsExactly("open pool1", "startup", "open client");
            var first = client.get("/pool").json(Map.class);
            var second = client.get("/pool").json(Map.class);
            assertThat(first).containsEntry("pool", "pool1").containsEntry("greeting", "hello from pool1");
            assertThat(second.get("identity")).isEqualTo(first.get("identity"));
        }
        assertThat(events).containsExactly("open pool1", "startup", "open client", "shutdown", "close client", "close pool1");
        assertThat(pools).hasValue(1);
    }

    @Test
    void theServerAndTestClientsOfOneAppShareItsResourcesOpenedByTheFirstAndClosedByTheLast() {
        var app = Coda.app().host("127.0.0.1").port(0).resource(Pool.class, () -> new Pool("shared")).routes(new Routes()).build();
        try (var network = TestClient.overNetwork(app)) {
            try (var local = TestClient.of(app)) {
                assertThat(local.get("/pool").json(Map.class).get("identity"))
                        .isEqualTo(network.get("/pool").json(Map.class).get("identity"));
            }
            assertThat(events).as("the network client still runs the app").containsExactly("open shared");
            assertThat(network.get("/pool").status()).isEqualTo(200);
        }
        assertThat(events).containsExactly("open shared", "close shared");
    }

    @Test
    void aFactoryThatFailsStopsTheStartNamingTheResourceAndUndoesWhatWasDone() {
        var app = Coda.app().host("127.0.0.1").port(0)
                .resource(Pool.class, () -> new Pool("pool"))
                .resource(Client.class, () -> {
                    throw new IOException("connection refused");
                })
                .routes(new Routes())
                .build();

        assertThatThrownBy(app::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the resource Client could not be created")
                .hasMessageContaining("connection refused");
        assertThat(events).containsExactly("open pool", "close pool");
        assertThatThrownBy(() -> TestClient.of(app)).hasMessageContaining("the resource Client could not be created");
    }

    @Test
    void aResourceTypeAlsoReturnedByADependencyIsAProblemOfTheDeclarations() {
        final class Both {
            @Dependency
            public Greeting greeting() {
                return new Greeting("x");
            }

            @Get("/")
            public String root(Greeting greeting) {
                return greeting.text();
            }
        }
        var builder = Coda.app().port(0).resource(Greeting.class, () -> new Greeting("y")).routes(new Both());
        assertThatThrownBy(builder::build).hasMessageContaining("returns Greeting, which is an app-scoped resource");
        assertThatThrownBy(() -> Coda.app().resource(Greeting.class, () -> null).resource(Greeting.class, () -> null))
                .hasMessageContaining("declared twice");
    }

    /** The resource a request's durable handoff and its in-process task use while the server stops. */
    public final class Jobs {
        @Post("/work")
        public String work(BackgroundTasks tasks, Pool pool) throws InterruptedException {
            tasks.addTask(this::stored, pool);
            tasks.addTask(this::local, pool);
            handlerEntered.countDown();
            if (!handlerRelease.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
            return "accepted";
        }

        public void stored(Pool pool) {
            throw new IllegalStateException("a durable task never runs in the web process");
        }

        public void local(Pool pool) throws InterruptedException {
            events.add("task started");
            if (!taskRelease.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
            events.add("task used " + pool.use());
        }
    }

    /** Stores the durable task "in a database": records that it did, with the resource it was given. */
    final class Handoff implements DurableHandoff {
        @Override
        public boolean isDurable(TaskCall call) {
            return call.method().equals("stored");
        }

        @Override
        public List<String> store(List<TaskCall> calls) {
            events.add("handoff stored with " + ((Pool) calls.getFirst().arguments().getFirst()).use());
            return List.of("1");
        }
    }

    @Test
    void atStopHttpThenTheRequestsDurableHandoffThenItsTasksThenTheWorkerThenTheResourcesStop() throws Exception {
        var port = new int[1];
        var server = Coda.app().host("127.0.0.1").port(0)
                .resource(Pool.class, () -> new Pool("pool"))
                .onShutdown(() -> events.add("shutdown hook"))
                .durable(new Handoff())
                .worker(() -> {
                    events.add("worker started");
                    return () -> events.add("worker stopped, HTTP refusing: " + RawHttp.refusesConnections(port[0]));
                })
                .routes(new Jobs())
                .start();
        port[0] = server.port();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            var response = CompletableFuture.supplyAsync(() -> {
                try (var connection = new RawHttp(server.port())) {
                    return connection.send("POST /work HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                            .read().status();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, threads);
            assertThat(handlerEntered.await(10, TimeUnit.SECONDS)).isTrue();
            var stopper = new Thread[1];
            var stopping = CompletableFuture.runAsync(() -> {
                stopper[0] = Thread.currentThread();
                server.stop();
            }, threads);
            await().atMost(WAIT).until(() -> RawHttp.refusesConnections(server.port()));
            assertThat(events).containsExactly("open pool", "worker started");

            handlerRelease.countDown();
            assertThat(response).succeedsWithin(WAIT).isEqualTo(200);
            // the stop is now draining the task: a resource closed before the drain would be closed by now
            await().atMost(WAIT).until(() -> events.contains("task started") && drainingTasks(stopper[0]));
            assertThat(events).doesNotContain("close pool");
            taskRelease.countDown();

            assertThat(stopping).succeedsWithin(WAIT);
        }
        assertThat(events).containsExactly("open pool", "worker started", "handoff stored with pool", "task started", "task used pool",
                "worker stopped, HTTP refusing: true", "shutdown hook", "close pool");
    }

    @Test
    void aWorkerThatCannotStartStopsTheStartAndUndoesTheResourcesAndATestClientStartsNoWorker() {
        var app = Coda.app().host("127.0.0.1").port(0)
                .resource(Pool.class, () -> new Pool("pool"))
                .worker(() -> {
                    throw new IllegalStateException("engine unreachable");
                })
                .routes(new Routes())
                .build();
        assertThatThrownBy(app::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the worker could not start").hasMessageContaining("engine unreachable");
        assertThat(events).containsExactly("open pool", "close pool");

        try (var client = TestClient.of(app)) {
            assertThat(client.get("/pool").status()).isEqualTo(200);
        }
    }

    private static boolean drainingTasks(Thread thread) {
        return thread != null && Arrays.stream(thread.getStackTrace())
                .anyMatch(frame -> frame.getClassName().equals("dev.coda.tasks.TaskRuntime") && frame.getMethodName().equals("shutdown"));
    }

}
