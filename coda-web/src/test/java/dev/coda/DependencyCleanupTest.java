package dev.coda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.coda.testing.TestClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Dependencies with cleanup (FastAPI's dependencies with {@code yield}): closed after the response, newest first. */
class DependencyCleanupTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /**
     * A plain HTTP GET against a running server. The test client waits for after-response work (like
     * FastAPI's), so tests that must read the response while a cleanup is still blocked use a real client.
     */
    private static java.net.http.HttpResponse<String> get(Server server, String path) {
        try (var http = java.net.http.HttpClient.newHttpClient()) {
            return http.send(java.net.http.HttpRequest.newBuilder(server.uri().resolve(path)).timeout(WAIT).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every open and close, in order, for one app. */
    private final List<String> events = new CopyOnWriteArrayList<>();

    private ListAppender<ILoggingEvent> logs;
    private Logger codaLogger;

    @BeforeEach
    void captureLogs() {
        codaLogger = (Logger) LoggerFactory.getLogger("dev.coda");
        logs = new ListAppender<>();
        logs.start();
        codaLogger.addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        codaLogger.detachAppender(logs);
        logs.stop();
    }

    /** A resource that records its closing, optionally waiting for the test to allow it first. */
    final class Resource implements AutoCloseable {
        final String name;
        final CountDownLatch mayClose;
        final AtomicInteger closes = new AtomicInteger();
        volatile boolean waitedForPermission;

        Resource(String name, CountDownLatch mayClose) {
            this.name = name;
            this.mayClose = mayClose;
            events.add("open " + name);
        }

        @Override
        public void close() throws InterruptedException {
            waitedForPermission = mayClose.await(WAIT.toSeconds(), TimeUnit.SECONDS);
            closes.incrementAndGet();
            events.add("close " + name);
        }
    }

    private static final CountDownLatch ALWAYS = new CountDownLatch(0);

    // ---------------------------------------------------------------- after the response

    record Conn(Resource resource) {
    }

    final class AfterResponseRoutes {
        final CountDownLatch responseRead = new CountDownLatch(1);
        volatile Resource created;

        @Dependency
        Resource resource() {
            created = new Resource("db", responseRead);
            return created;
        }

        @Get("/use")
        public Map<String, Object> use(Resource resource) {
            return Map.of("closedYet", resource.closes.get() > 0);
        }
    }

    @Test
    void anAutoCloseableDependencyIsClosedOnlyAfterTheResponseHasBeenSent() {
        var routes = new AfterResponseRoutes();
        try (var server = Coda.app().routes(routes).host("127.0.0.1").port(0).start()) {
            var response = get(server, "/use");

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("{\"closedYet\":false}");
            assertThat(events).containsExactly("open db");
            routes.responseRead.countDown();

            await().atMost(WAIT).until(() -> events.contains("close db"));
            assertThat(routes.created.waitedForPermission).as("close waited for the test to read the response").isTrue();
            assertThat(routes.created.closes).hasValue(1);
        }
    }

    // ---------------------------------------------------------------- Managed

    record Session(String id) {
    }

    final class ManagedRoutes {
        final CountDownLatch responseRead = new CountDownLatch(1);
        final AtomicBoolean released = new AtomicBoolean();
        final AtomicBoolean releasedAfterResponse = new AtomicBoolean();
        volatile Session created;

        @Dependency
        Managed<Session> session() {
            created = new Session("s-1");
            return Managed.of(created, () -> {
                releasedAfterResponse.set(responseRead.await(WAIT.toSeconds(), TimeUnit.SECONDS));
                released.set(true);
            });
        }

        @Get("/session")
        public Map<String, Object> session(Session session) {
            return new java.util.TreeMap<>(Map.of("id", session.id(), "sameInstance", session == created));
        }
    }

    @Test
    void theEndpointReceivesTheValueOfAManagedAndItsCleanupRunsAfterTheResponse() {
        var routes = new ManagedRoutes();
        try (var server = Coda.app().routes(routes).host("127.0.0.1").port(0).start()) {
            var response = get(server, "/session");

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("{\"id\":\"s-1\",\"sameInstance\":true}");
            assertThat(routes.released).isFalse();
            routes.responseRead.countDown();

            await().atMost(WAIT).untilTrue(routes.released);
            assertThat(routes.releasedAfterResponse).isTrue();
        }
    }

    // ---------------------------------------------------------------- order

    record Outer(Resource inner) {
    }

    record Tx(String name) {
    }

    final class OrderRoutes {
        @Dependency
        Resource connection() {
            return new Resource("connection", ALWAYS);
        }

        @Dependency
        Managed<Tx> transaction(Resource connection) {
            events.add("open tx");
            return Managed.of(new Tx("tx"), () -> events.add("close tx"));
        }

        @Dependency
        Managed<Outer> outer(Tx tx, Resource connection) {
            events.add("open outer");
            return Managed.of(new Outer(connection), () -> events.add("close outer"));
        }

        @Get("/nested")
        public String nested(Outer outer, Tx tx, Resource connection) {
            events.add("endpoint");
            return "ok";
        }
    }

    @Test
    void resourcesAreClosedOnceEachInTheReverseOrderOfTheirCreation() {
        try (var client = TestClient.of(Coda.app().routes(new OrderRoutes()).build())) {
            var response = client.get("/nested");

            assertThat(response.status()).as(response.text()).isEqualTo(200);
            await().atMost(WAIT).until(() -> events.contains("close connection"));
            assertThat(events).containsExactly(
                    "open connection", "open tx", "open outer", "endpoint",
                    "close outer", "close tx", "close connection");
        }
    }

    // ---------------------------------------------------------------- failures

    final class FailingRoutes {
        @Dependency
        Resource resource() {
            return new Resource("resource", ALWAYS);
        }

        @Dependency
        Managed<Session> session() {
            events.add("open session");
            return Managed.of(new Session("s"), () -> events.add("close session"));
        }

        @Get("/boom")
        public String boom(Resource resource, Session session) {
            throw new IllegalStateException("endpoint failed on purpose");
        }

        @Get("/teapot")
        public String teapot(Resource resource, Session session) {
            throw new HttpException(418, "short and stout");
        }

        @Get("/invalid")
        public String invalid(Resource resource, Session session, int limit) {
            return "unreachable";
        }

        @Dependency
        Tx denied(Session session) {
            throw new HttpException(403, "denied");
        }

        @Get("/denied")
        public String denied(Resource resource, Tx tx) {
            return "unreachable";
        }
    }

    @Test
    void resourcesAreClosedWhenTheEndpointThrowsAnUnexpectedException() {
        try (var client = TestClient.of(Coda.app().routes(new FailingRoutes()).build())) {
            var response = client.get("/boom");

            assertThat(response.status()).isEqualTo(500);
            await().atMost(WAIT).until(() -> events.contains("close resource"));
            assertThat(events).containsExactly("open resource", "open session", "close session", "close resource");
        }
    }

    @Test
    void resourcesAreClosedWhenTheEndpointThrowsAnHttpException() {
        try (var client = TestClient.of(Coda.app().routes(new FailingRoutes()).build())) {
            var response = client.get("/teapot");

            assertThat(response.status()).isEqualTo(418);
            assertThat(response.json()).isEqualTo(Map.of("detail", "short and stout"));
            await().atMost(WAIT).until(() -> events.contains("close resource"));
            assertThat(events).containsExactly("open resource", "open session", "close session", "close resource");
        }
    }

    @Test
    void resourcesAreClosedWhenTheRequestFailsValidation() {
        try (var client = TestClient.of(Coda.app().routes(new FailingRoutes()).build())) {
            var response = client.get("/invalid?limit=x");

            assertThat(response.status()).isEqualTo(422);
            await().atMost(WAIT).until(() -> events.contains("close resource"));
            assertThat(events).containsExactly("open resource", "open session", "close session", "close resource");
        }
    }

    @Test
    void resourcesCreatedBeforeALaterDependencyThrowsAreClosed() {
        try (var client = TestClient.of(Coda.app().routes(new FailingRoutes()).build())) {
            var response = client.get("/denied");

            assertThat(response.status()).isEqualTo(403);
            await().atMost(WAIT).until(() -> events.contains("close resource"));
            assertThat(events).containsExactly("open resource", "open session", "close session", "close resource");
        }
    }

    // ---------------------------------------------------------------- failing cleanups

    record Fragile() {
    }

    final class FailingCloseRoutes {
        @Dependency
        Resource first() {
            return new Resource("first", ALWAYS);
        }

        @Dependency
        Managed<Fragile> fragile(Resource first) {
            events.add("open fragile");
            return Managed.of(new Fragile(), () -> {
                throw new IllegalStateException("cannot release fragile");
            });
        }

        @Dependency
        Managed<Tx> last(Fragile fragile) {
            events.add("open last");
            return Managed.of(new Tx("last"), () -> events.add("close last"));
        }

        @Get("/fragile")
        public String fragile(Tx tx) {
            return "ok";
        }
    }

    @Test
    void aFailingCleanupIsLoggedAndDoesNotPreventTheOthers() {
        try (var client = TestClient.of(Coda.app().routes(new FailingCloseRoutes()).build())) {
            var response = client.get("/fragile");

            assertThat(response.status()).as(response.text()).isEqualTo(200);
            await().atMost(WAIT).until(() -> events.contains("close first"));
            assertThat(events).containsExactly("open first", "open fragile", "open last", "close last", "close first");
            assertThat(logs.list)
                    .filteredOn(e -> e.getLevel() == Level.ERROR)
                    .anySatisfy(e -> {
                        assertThat(e.getFormattedMessage()).contains("GET").contains("/fragile");
                        assertThat(e.getThrowableProxy().getMessage()).isEqualTo("cannot release fragile");
                    });
        }
    }

    final class ErrorInCloseRoutes {
        @Dependency
        Resource first() {
            return new Resource("first", ALWAYS);
        }

        @Dependency
        Managed<Fragile> fragile(Resource first) {
            return Managed.of(new Fragile(), () -> {
                throw new AssertionError("cleanup broke an invariant");
            });
        }

        @Get("/error")
        public String error(Fragile fragile) {
            return "ok";
        }
    }

    @Test
    void aCleanupFailingWithAnErrorDoesNotPreventTheOthers() {
        try (var client = TestClient.of(Coda.app().routes(new ErrorInCloseRoutes()).build())) {
            assertThat(client.get("/error").status()).isEqualTo(200);

            await().atMost(WAIT).until(() -> events.contains("close first"));
            assertThat(logs.list).filteredOn(e -> e.getLevel() == Level.ERROR)
                    .anySatisfy(e -> assertThat(e.getThrowableProxy().getMessage()).isEqualTo("cleanup broke an invariant"));
        }
    }

    // ---------------------------------------------------------------- what is not closed

    /** A long-lived object whose class can be closed, but which the app shares between requests. */
    final class SharedPool implements Repository, AutoCloseable {
        final AtomicBoolean closed = new AtomicBoolean();

        @Override
        public String find() {
            return closed.get() ? "closed" : "found";
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }

    interface Repository {
        String find();
    }

    final class SharedRoutes {
        final SharedPool pool = new SharedPool();

        @Dependency
        Resource marker() {
            return new Resource("marker", ALWAYS);
        }

        @Dependency
        Repository repository() {
            return pool;
        }

        @Get("/find")
        public String find(Resource marker, Repository repository) {
            return repository.find();
        }
    }

    @Test
    void aValueProvidedUnderATypeThatIsNotAutoCloseableIsNotClosedEvenIfItsClassIs() {
        var routes = new SharedRoutes();
        try (var client = TestClient.of(Coda.app().routes(routes).build())) {
            var response = client.get("/find");
            assertThat(response.json()).isEqualTo("found");

            // the marker was created first, so it is closed last: once it is closed, every cleanup has run
            await().atMost(WAIT).until(() -> events.contains("close marker"));
            assertThat(routes.pool.closed).as("the shared pool was closed after one request").isFalse();
            assertThat(client.get("/find").json()).isEqualTo("found");
        }
    }

    final class UncachedRoutes {
        final List<Resource> created = new CopyOnWriteArrayList<>();

        @Dependency
        Resource resource() {
            var r = new Resource("r" + created.size(), ALWAYS);
            created.add(r);
            return r;
        }

        @Get("/two")
        public boolean two(Resource a, @Depends(useCache = false) Resource b) {
            return a != b;
        }
    }

    @Test
    void everyValueOfAnUncachedDependencyIsClosed() {
        var routes = new UncachedRoutes();
        try (var client = TestClient.of(Coda.app().routes(routes).build())) {
            assertThat(client.get("/two").json()).isEqualTo(true);

            await().atMost(WAIT).until(() -> events.contains("close r0"));
            assertThat(events).containsExactly("open r0", "open r1", "close r1", "close r0");
        }
    }
}
