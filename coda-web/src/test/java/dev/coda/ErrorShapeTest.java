package dev.coda;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.coda.testing.TestClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/** How errors are answered: {@code HttpException}, exception handlers, and unexpected exceptions. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ErrorShapeTest {

    static class ShopException extends RuntimeException {
        ShopException(String message) {
            super(message);
        }
    }

    static final class OutOfStock extends ShopException {
        final String sku;

        OutOfStock(String sku) {
            super("out of stock: " + sku);
            this.sku = sku;
        }
    }

    static final class Closed extends ShopException {
        Closed() {
            super("closed");
        }
    }

    public record Item(String name) {
    }

    public static final class Routes {
        @Get("/items/{item_id}")
        public Item item(String itemId) {
            if (!itemId.equals("foo")) {
                throw new HttpException(404, "Item not found", Map.of("X-Error", "There goes my error"));
            }
            return new Item("The Foo Wrestlers");
        }

        @Get("/structured")
        public Item structured() {
            throw new HttpException(409, Map.of("code", "conflict", "ids", List.of(1, 2)));
        }

        @Get("/phrase")
        public Item phrase() {
            throw new HttpException(403);
        }

        @Get("/null-detail")
        public Item nullDetail() {
            throw new HttpException(404, null);
        }

        @Get("/out-of-stock/{sku}")
        public Item outOfStock(String sku) {
            throw new OutOfStock(sku);
        }

        @Get("/closed")
        public Item closed() {
            throw new Closed();
        }

        @Get("/boom")
        public Item boom() {
            throw new IllegalStateException("boom: secret internals");
        }

        @Post("/items")
        public Item create(Item item) {
            return item;
        }

        @Get("/bad-argument")
        public Item badArgument() {
            throw new IllegalArgumentException("bad argument");
        }

        @Get("/unsupported")
        public Item unsupported() {
            throw new UnsupportedOperationException("unsupported");
        }

        @Get("/guarded")
        public Item guarded(Guard guard) {
            return new Item("guarded");
        }

        @Dependency
        public Guard guard(@Header java.util.Optional<String> xKey) {
            if (xKey.isEmpty()) {
                throw new HttpException(401, "Not authenticated", Map.of("WWW-Authenticate", "Bearer"));
            }
            return new Guard();
        }
    }

    public static final class Guard {
    }

    /** The app with Coda's own error answers. */
    private TestClient client;

    @BeforeAll
    void start() {
        client = TestClient.of(Coda.app().routes(new Routes()).build());
    }

    @AfterAll
    void stop() {
        client.close();
    }

    /** Captures what Coda logs while a test runs. */
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger codaLogger = (Logger) LoggerFactory.getLogger("dev.coda");

    @BeforeEach
    void captureLogs() {
        logged.list.clear();
        logged.start();
        codaLogger.addAppender(logged);
    }

    @AfterEach
    void releaseLogs() {
        codaLogger.detachAppender(logged);
    }

    private List<ILoggingEvent> loggedWithException(Class<? extends Throwable> type) {
        return logged.list.stream()
                .filter(e -> e.getThrowableProxy() != null && e.getThrowableProxy().getClassName().equals(type.getName()))
                .toList();
    }

    @Nested
    class HttpExceptions {

        @Test
        void anHttpExceptionIsAnsweredWithItsStatusDetailAndHeaders() {
            var response = client.get("/items/bar");

            assertThat(response.status()).isEqualTo(404);
            assertThat(response.header("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
            assertThat(response.text()).isEqualTo("{\"detail\":\"Item not found\"}");
            assertThat(response.header("x-error")).contains("There goes my error");
        }

        @Test
        void theDetailMayBeAnyJsonValue() {
            var response = client.get("/structured");

            assertThat(response.status()).isEqualTo(409);
            assertThat(response.json()).isEqualTo(Map.of("detail", Map.of("code", "conflict", "ids", List.of(1, 2))));
        }

        @Test
        void withoutDetailTheReasonPhraseIsTheDetail() {
            var response = client.get("/phrase");

            assertThat(response.status()).isEqualTo(403);
            assertThat(response.json()).isEqualTo(Map.of("detail", "Forbidden"));
        }

        @Test
        void aNullDetailIsTheReasonPhraseAsInStarlette() {
            var response = client.get("/null-detail");

            assertThat(response.status()).isEqualTo(404);
            assertThat(response.json()).isEqualTo(Map.of("detail", "Not Found"));
        }

        @Test
        void anHttpExceptionFromADependencyIsAnsweredTheSameWay() {
            var response = client.get("/guarded");

            assertThat(response.status()).isEqualTo(401);
            assertThat(response.json()).isEqualTo(Map.of("detail", "Not authenticated"));
            assertThat(response.header("www-authenticate")).contains("Bearer");
        }

        @Test
        void anHttpExceptionIsNotLoggedAsAnError() {
            client.get("/items/bar");

            assertThat(logged.list).isEmpty();
        }
    }

    @Nested
    class UnexpectedExceptions {

        @Test
        void anUnhandledExceptionIsA500WithoutAnyOfItsDetails() {
            var response = client.get("/boom");

            assertThat(response.status()).isEqualTo(500);
            assertThat(response.header("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
            assertThat(response.text()).isEqualTo("{\"detail\":\"Internal Server Error\"}");
        }

        @Test
        void anUnhandledExceptionIsLoggedOnceWithItsStackTrace() {
            client.get("/boom");

            var events = loggedWithException(IllegalStateException.class);
            assertThat(events).hasSize(1);
            assertThat(events.getFirst().getFormattedMessage()).contains("GET /boom");
            assertThat(events.getFirst().getThrowableProxy().getMessage()).isEqualTo("boom: secret internals");
            assertThat(events.getFirst().getThrowableProxy().getStackTraceElementProxyArray()).isNotEmpty();
        }

        @Test
        void anApplicationExceptionWithoutHandlerIsA500Too() {
            var response = client.get("/out-of-stock/sku-1");

            assertThat(response.status()).isEqualTo(500);
            assertThat(response.json()).isEqualTo(Map.of("detail", "Internal Server Error"));
            assertThat(loggedWithException(OutOfStock.class)).hasSize(1);
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class ExceptionHandlers {

        /** One app, one handler per concern: each test exercises a different exception type. */
        private TestClient handled;

        @BeforeAll
        void start() {
            handled = TestClient.of(Coda.app().routes(new Routes())
                    .exceptionHandler(ShopException.class, (request, e) -> Response.json(503, Map.of("detail", e.getMessage())))
                    .exceptionHandler(OutOfStock.class, (request, e) ->
                            Response.json(409, Map.of("detail", e.getMessage(), "sku", e.sku, "path", request.path()))
                                    .header("Retry-After", "60"))
                    .exceptionHandler(RequestValidationException.class, (request, e) ->
                            Response.json(400, Map.of("errors", e.errors().size(), "first", e.errors().getFirst().loc())))
                    .exceptionHandler(HttpException.class, (request, e) ->
                            Response.json(e.status(), Map.of("error", e.detail(), "status", e.status())))
                    .exceptionHandler(IllegalArgumentException.class, (request, e) -> {
                        throw new IllegalStateException("the handler failed too");
                    })
                    .exceptionHandler(UnsupportedOperationException.class, (request, e) -> Response.text("sorry"))
                    .build());
        }

        @AfterAll
        void stop() {
            handled.close();
        }

        @Test
        void aHandlerAnswersItsExceptionWithItsOwnResponse() {
            var response = handled.get("/out-of-stock/sku-7");

            assertThat(response.status()).isEqualTo(409);
            assertThat(response.json()).isEqualTo(Map.of("detail", "out of stock: sku-7", "sku", "sku-7", "path", "/out-of-stock/sku-7"));
            assertThat(response.header("retry-after")).contains("60");
            assertThat(logged.list).isEmpty();
        }

        @Test
        void aHandlerForASuperclassCatchesItsSubclasses() {
            var response = handled.get("/closed");

            assertThat(response.status()).isEqualTo(503);
            assertThat(response.json()).isEqualTo(Map.of("detail", "closed"));
        }

        @Test
        void theMostSpecificHandlerWins() {
            assertThat(handled.get("/out-of-stock/x").status()).isEqualTo(409);
        }

        @Test
        void aHandlerForRequestValidationExceptionReplacesThe422() {
            var invalid = handled.post("/items", Map.of());
            var malformed = handled.request("POST", "/items").body("{bad}", "application/json").send();

            assertThat(invalid.status()).isEqualTo(400);
            assertThat(invalid.json()).isEqualTo(Map.of("errors", 1, "first", List.of("body", "name")));
            assertThat(malformed.status()).isEqualTo(400);
            assertThat(malformed.json()).isEqualTo(Map.of("errors", 1, "first", List.of("body", 1)));
        }

        @Test
        void aHandlerForHttpExceptionAlsoAnswersRoutingErrors() {
            var notFound = handled.get("/nope");
            var notAllowed = handled.delete("/items/foo");
            var raised = handled.get("/items/bar");

            assertThat(notFound.status()).isEqualTo(404);
            assertThat(notFound.json()).isEqualTo(Map.of("error", "Not Found", "status", 404));
            assertThat(notAllowed.status()).isEqualTo(405);
            assertThat(notAllowed.json()).isEqualTo(Map.of("error", "Method Not Allowed", "status", 405));
            assertThat(raised.json()).isEqualTo(Map.of("error", "Item not found", "status", 404));
        }

        @Test
        void aHandlerThatThrowsMakesTheAnswerA500AndIsLogged() {
            var response = handled.get("/bad-argument");

            assertThat(response.status()).isEqualTo(500);
            assertThat(response.text()).isEqualTo("{\"detail\":\"Internal Server Error\"}");
            assertThat(loggedWithException(IllegalStateException.class)).hasSize(1);
        }

        @Test
        void aHandlerMayAnswerWithAnyResponse() {
            var response = handled.get("/unsupported");

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("content-type")).contains("text/plain; charset=utf-8");
            assertThat(response.text()).isEqualTo("sorry");
        }

        @Test
        void aHandlerForExceptionOnlyAnswersUnhandledExceptionsAsInFastApi() {
            try (var client = TestClient.of(Coda.app().routes(new Routes()).exceptionHandler(Exception.class, (request, e) ->
                    Response.json(500, Map.of("detail", "custom"))).build())) {
                assertThat(client.get("/boom").json()).isEqualTo(Map.of("detail", "custom"));
                assertThat(client.get("/nope").json()).isEqualTo(Map.of("detail", "Not Found"));
                assertThat(client.get("/items/bar").json()).isEqualTo(Map.of("detail", "Item not found"));
                assertThat(client.post("/items", Map.of()).status()).isEqualTo(422);
            }
        }
    }
}
