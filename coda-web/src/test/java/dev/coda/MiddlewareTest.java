package dev.coda;

import dev.coda.testsupport.LogCapture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import dev.coda.tasks.BackgroundTasks;
import dev.coda.tasks.TaskHandle;
import dev.coda.tasks.TaskState;
import dev.coda.testing.TestClient;
import dev.coda.testing.TestClient.TaskMode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link Middleware}: around every request, ordered (first registered outermost, app-wide outside routers), early answers,
 * changed responses, the matched route, 404/405, exception handlers inside, and the request's tasks after the final response.
 */
class MiddlewareTest {

    @RegisterExtension
    final LogCapture logs = new LogCapture("dev.coda");

    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<TestClient> clients = new ArrayList<>();

    @AfterEach
    void close() {
        clients.forEach(TestClient::close);
    }

    private TestClient client(Coda.Builder app) {
        return client(app, TaskMode.AWAIT);
    }

    private TestClient client(Coda.Builder app, TaskMode mode) {
        var client = TestClient.of(app.build(), mode);
        clients.add(client);
        return client;
    }

    record Caller(String name) {
    }

    static final class OutOfStock extends RuntimeException {
    }

    @Operation(tags = "items")
    final class Items {
        void record(String what) {
            events.add(what);
        }

        @Dependency
        Caller caller() {
            events.add("dependency");
            return new Caller("alice");
        }

        @Get("/items/{item_id}")
        @Operation(tags = "read")
        public Map<String, Object> read(int itemId, Caller caller, BackgroundTasks tasks) {
            events.add("route");
            tasks.addTask(this::record, "task");
            return Map.of("id", itemId, "by", caller.name());
        }

        @Post("/items")
        public Map<String, Object> create(BackgroundTasks tasks) {
            events.add("route");
            tasks.addTask(this::record, "default task");
            tasks.onError().addTask(this::record, "on-error task");
            tasks.always().addTask(this::record, "always task");
            return Map.of("created", true);
        }

        @Get("/missing")
        public String missing() {
            throw new HttpException(404, "No such item");
        }

        @Get("/sold-out")
        public String soldOut() {
            throw new OutOfStock();
        }

        @Get("/broken")
        public String broken() {
            throw new IllegalStateException("bug");
        }

        @Get("/stream")
        public Response stream() {
            return Response.stream("text/plain; charset=utf-8", new ByteArrayInputStream("abc".getBytes(StandardCharsets.UTF_8)) {
                @Override
                public void close() throws IOException {
                    events.add("stream closed");
                    super.close();
                }
            });
        }
    }

    final class Admin {
        @Get("/panel")
        public String panel() {
            events.add("admin route");
            return "panel";
        }
    }

    void record(String what) {
        events.add(what);
    }

    final class Orders {
        @Post("/orders")
        public String order(BackgroundTasks tasks) {
            tasks.addTask(MiddlewareTest.this::record, "default task");
            tasks.onError().addTask(MiddlewareTest.this::record, "on-error task");
            throw new IllegalStateException("bug");
        }
    }

    /** Records its name before and after the rest. */
    private Middleware tracing(String name) {
        return (request, chain) -> {
            events.add(name + " before");
            var response = chain.proceed();
            events.add(name + " after");
            return response;
        };
    }

    private Coda.Builder items() {
        return Coda.app().routes(new Items());
    }

    // ------------------------------------------------------------------ around, ordered, scoped

    @Test
    void aMiddlewareRunsBeforeAndAfterTheRouteAndMayChangeTheResponsesHeadersAndStatus() {
        var client = client(items().middleware((request, chain) -> {
            events.add("before " + request.method() + " " + request.path());
            var response = chain.proceed();
            events.add("after, saw " + response.status());
            return response.withStatus(203).header("X-Seen", "yes");
        }));

        var response = client.get("/items/7");

        assertThat(response.status()).isEqualTo(203);
        assertThat(response.header("X-Seen")).contains("yes");
        assertThat(response.json()).isEqualTo(Map.of("id", 7, "by", "alice"));
        assertThat(events).containsExactly("before GET /items/7", "dependency", "route", "after, saw 200", "task");
    }

    @Test
    void theFirstRegisteredIsOutermostAndARoutersMiddlewareRunsInsideTheAppsAndAnOuterRoutersOutsideAnInnerOnes() {
        var inner = ApiRouter.prefix("/inner").middleware(tracing("inner router")).routes(new Admin());
        var outer = ApiRouter.prefix("/outer").middleware(tracing("outer router 1"), tracing("outer router 2")).include(inner);
        var client = client(items().middleware(tracing("app 1")).include(outer).middleware(tracing("app 2")));

        assertThat(client.get("/outer/inner/panel").status()).isEqualTo(200);

        assertThat(events).containsExactly("app 1 before", "app 2 before", "outer router 1 before", "outer router 2 before",
                "inner router before", "admin route", "inner router after", "outer router 2 after", "outer router 1 after",
                "app 2 after", "app 1 after");
    }

    @Test
    void aRoutersMiddlewareRunsOnlyForItsOwnRoutes() {
        var client = client(items().include(ApiRouter.prefix("/admin").middleware(tracing("admin")).routes(new Admin())));

        client.get("/items/1");
        client.get("/nowhere");
        assertThat(events).doesNotContain("admin before");

        client.get("/admin/panel");
        assertThat(events).endsWith("admin before", "admin route", "admin after");
    }

    @Test
    void theChainDescribesTheMatchedRouteAsTheDocumentDoes() {
        var seen = new AtomicReference<Middleware.Route>();
        var client = client(Coda.app().include(ApiRouter.prefix("/v1").tags("v1").routes(new Items()))
                .middleware((request, chain) -> {
                    seen.set(chain.route().orElseThrow());
                    return chain.proceed();
                }));

        client.get("/v1/items/3");

        var route = seen.get();
        assertThat(route.method()).isEqualTo("GET");
        assertThat(route.path()).isEqualTo("/v1/items/{item_id}");
        assertThat(route.operationId()).isEqualTo("read_v1_items__item_id__get");
        assertThat(route.tags()).containsExactly("v1", "items", "read");
        assertThat(route.handler().getName()).isEqualTo("read");
        assertThat(client.get("/openapi.json").text()).contains("\"operationId\":\"read_v1_items__item_id__get\"");
    }

    @Test
    void appMiddlewareSeesRequestsNoRouteMatchedWithoutARouteAndMayChangeTheirAnswer() {
        var routes = new ArrayList<Optional<Middleware.Route>>();
        var client = client(items().middleware((request, chain) -> {
            routes.add(chain.route());
            return chain.proceed().header("X-App", "seen");
        }));

        var notFound = client.get("/nowhere");
        var wrongMethod = client.delete("/items/1");
        var redirect = client.get("/items/1/");

        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.json()).isEqualTo(Map.of("detail", "Not Found"));
        assertThat(notFound.header("X-App")).contains("seen");
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.header("Allow")).contains("GET, HEAD");
        assertThat(wrongMethod.header("X-App")).contains("seen");
        assertThat(redirect.status()).isEqualTo(307);
        assertThat(redirect.header("Location")).contains("/items/1");
        assertThat(routes).containsOnly(Optional.empty()).hasSize(3);
    }

    @Test
    void theDocumentAndItsPagesGoThroughTheAppsMiddlewareToo() {
        var client = client(items().middleware((request, chain) -> chain.proceed().header("X-App", "seen")));

        assertThat(client.get("/openapi.json").header("X-App")).contains("seen");
        assertThat(client.get("/docs").header("X-App")).contains("seen");
    }

    // ------------------------------------------------------------------ early answers

    @Test
    void aMiddlewareThatAnswersWithoutProceedingRunsNoDependencyNoRouteAndNoTask() {
        var client = client(items().middleware((request, chain) -> request.header("X-Token").isPresent()
                ? chain.proceed()
                : Response.json(401, Map.of("detail", "Not authenticated"))));

        var refused = client.get("/items/7");

        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.json()).isEqualTo(Map.of("detail", "Not authenticated"));
        assertThat(refused.tasks()).isEmpty();
        assertThat(events).isEmpty();

        var admitted = client.request("GET", "/items/7").header("X-Token", "t").send();
        assertThat(admitted.status()).isEqualTo(200);
        assertThat(events).containsExactly("dependency", "route", "task");
    }

    @Test
    void aMiddlewareThatReplacesAStreamedResponseReleasesTheStream() {
        var client = client(items().middleware((request, chain) -> {
            chain.proceed();
            return Response.text("replaced");
        }));

        assertThat(client.get("/stream").text()).isEqualTo("replaced");
        assertThat(events).containsExactly("stream closed");
    }

    @Test
    void aStreamedResponseGoesThroughAMiddlewareThatAddsAHeader() {
        var client = client(items().middleware((request, chain) -> chain.proceed().header("X-App", "seen")));

        var response = client.get("/stream");

        assertThat(response.text()).isEqualTo("abc");
        assertThat(response.header("X-App")).contains("seen");
    }

    // ------------------------------------------------------------------ exceptions

    @Test
    void exceptionHandlersSitInsideMiddlewareWhichSeesTheirResponses() {
        var seen = new ArrayList<String>();
        var client = client(items()
                .exceptionHandler(OutOfStock.class, (request, e) -> Response.json(409, Map.of("detail", "sold out")))
                .middleware((request, chain) -> {
                    var response = chain.proceed();
                    seen.add(response.status() + " " + new String((byte[]) response.body(), StandardCharsets.UTF_8));
                    return response;
                }));

        assertThat(client.get("/missing").status()).isEqualTo(404);
        assertThat(client.get("/sold-out").status()).isEqualTo(409);
        assertThat(client.get("/broken").status()).isEqualTo(500);
        assertThat(client.get("/items/abc").status()).isEqualTo(422);

        assertThat(seen).hasSize(4);
        assertThat(seen.get(0)).isEqualTo("404 {\"detail\":\"No such item\"}");
        assertThat(seen.get(1)).isEqualTo("409 {\"detail\":\"sold out\"}");
        assertThat(seen.get(2)).isEqualTo("500 {\"detail\":\"Internal Server Error\"}");
        assertThat(seen.get(3)).startsWith("422 {\"detail\":[{\"type\":\"int_parsing\"");
    }

    @Test
    void anHttpExceptionThrownByAMiddlewareIsAnsweredAsFastApiShapedJson() {
        var client = client(items().middleware((request, chain) -> {
            throw new HttpException(401, "Not authenticated", Map.of("WWW-Authenticate", "Bearer"));
        }));

        var response = client.get("/items/1");

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.json()).isEqualTo(Map.of("detail", "Not authenticated"));
        assertThat(response.header("WWW-Authenticate")).contains("Bearer");
        assertThat(events).isEmpty();
    }

    @Test
    void anExceptionThrownByAMiddlewareGoesToTheAppsExceptionHandlersElseIsA500() {
        var client = client(items()
                .exceptionHandler(OutOfStock.class, (request, e) -> Response.json(409, Map.of("detail", "sold out")))
                .middleware((request, chain) -> {
                    if (request.path().equals("/items/1")) {
                        throw new OutOfStock();
                    }
                    throw new IllegalStateException("a bug in the middleware");
                }));

        assertThat(client.get("/items/1").json()).isEqualTo(Map.of("detail", "sold out"));
        var broken = client.get("/items/2");
        assertThat(broken.status()).isEqualTo(500);
        assertThat(broken.json()).isEqualTo(Map.of("detail", "Internal Server Error"));
        assertThat(logs.of("dev.coda", Level.ERROR, "Unhandled exception in GET /items/2")).hasSize(1);
    }

    @Test
    void anExceptionFromAnInnerMiddlewareComesOutOfTheOuterOnesProceed() {
        var client = client(items()
                .middleware((request, chain) -> {
                    try {
                        return chain.proceed();
                    } catch (OutOfStock e) {
                        return Response.json(409, Map.of("detail", "caught by the outer middleware"));
                    }
                })
                .middleware((request, chain) -> {
                    throw new OutOfStock();
                }));

        assertThat(client.get("/items/1").json()).isEqualTo(Map.of("detail", "caught by the outer middleware"));
    }

    @Test
    void proceedingTwiceIsAnError() {
        var client = client(items().middleware((request, chain) -> {
            chain.proceed();
            return chain.proceed();
        }));

        assertThat(client.get("/items/1").status()).isEqualTo(500);
        var logged = logs.of("dev.coda", Level.ERROR, "Unhandled exception in GET /items/1");
        assertThat(logged).hasSize(1);
        assertThat(logged.get(0).getThrowableProxy().getMessage()).endsWith("called proceed() twice");
    }

    // ------------------------------------------------------------------ tasks

    @Test
    void theRoutesTasksRunAfterTheResponseAsTheMiddlewareChangedIt() {
        var client = client(items().middleware((request, chain) -> {
            var response = chain.proceed();
            events.add("middleware after");
            return Response.stream("text/plain", out -> {
                out.write("changed".getBytes(StandardCharsets.UTF_8));
                events.add("final body written");
            }).header("X-Changed", "yes");
        }), TaskMode.HOLD);

        var response = client.get("/items/7");

        assertThat(response.text()).isEqualTo("changed");
        assertThat(response.header("X-Changed")).contains("yes");
        assertThat(events).as("the task waits while the final response is sent")
                .containsExactly("dependency", "route", "middleware after", "final body written");
        assertThat(response.tasks()).extracting(TaskHandle::state).containsExactly(TaskState.QUEUED);

        client.runHeldTasks();
        assertThat(events).endsWith("final body written", "task");
    }

    @Test
    void aMiddlewareThatFailsAfterTheRouteRanMakesTheRequestFailedForItsTasks() {
        var client = client(items().middleware((request, chain) -> {
            chain.proceed();
            throw new HttpException(502, "upstream check failed");
        }));

        var response = client.post("/items");

        assertThat(response.status()).isEqualTo(502);
        assertThat(response.json()).isEqualTo(Map.of("detail", "upstream check failed"));
        assertThat(events).containsExactly("route", "on-error task", "always task");
    }

    @Test
    void aMiddlewareThatOnlyChangesTheStatusDoesNotFailTheRequest() {
        var client = client(items().middleware((request, chain) -> chain.proceed().withStatus(500)));

        assertThat(client.post("/items").status()).isEqualTo(500);
        assertThat(events).containsExactly("route", "default task", "always task");
    }

    @Test
    void aRouteThatFailedStaysFailedWhenAMiddlewareHidesItsError() {
        var client = client(Coda.app().routes(new Orders()).middleware((request, chain) -> {
            var response = chain.proceed();
            return Response.json(200, Map.of("hidden", response.status()));
        }));

        var response = client.post("/orders");

        assertThat(response.json()).isEqualTo(Map.of("hidden", 500));
        assertThat(events).containsExactly("on-error task");
    }

    @Test
    void aMiddlewareMayAttachTasksToTheResponseItReturns() {
        var client = client(items().middleware((request, chain) -> chain.proceed().withTask(this::record, "middleware task")));

        client.get("/items/7");

        assertThat(events).containsExactly("dependency", "route", "task", "middleware task");
    }

    // ------------------------------------------------------------------ document, server, declarations

    @Test
    void middlewareLeavesTheOpenApiDocumentUnchanged() {
        var plain = items().include(ApiRouter.prefix("/admin").routes(new Admin())).build().openapi();
        var withMiddleware = items().middleware(tracing("app"))
                .include(ApiRouter.prefix("/admin").middleware(tracing("admin")).routes(new Admin())).build().openapi();

        assertThat(withMiddleware).isEqualTo(plain);
    }

    @Test
    void middlewareWorksOnTheRealServer() {
        var client = TestClient.overNetwork(items()
                .include(ApiRouter.prefix("/admin").middleware((request, chain) -> Response.json(403, Map.of("detail", "Forbidden")))
                        .routes(new Admin()))
                .middleware((request, chain) -> chain.proceed().header("X-App", "seen")).build());
        clients.add(client);

        var ok = client.get("/items/7");
        var refused = client.get("/admin/panel");

        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.header("X-App")).contains("seen");
        assertThat(ok.tasks()).extracting(TaskHandle::state).containsExactly(TaskState.SUCCEEDED);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.header("X-App")).contains("seen");
        assertThat(events).containsExactly("dependency", "route", "task");
    }

    @Test
    void aMiddlewareMustReturnAResponse() {
        var client = client(items().middleware((request, chain) -> null));

        assertThat(client.get("/items/1").status()).isEqualTo(500);
        assertThat(events).isEmpty();
    }

    @Test
    void nullMiddlewareIsRefusedWhenDeclared() {
        assertThatThrownBy(() -> Coda.app().middleware((Middleware) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ApiRouter.prefix("/a").middleware((Middleware) null)).isInstanceOf(NullPointerException.class);
    }
}
