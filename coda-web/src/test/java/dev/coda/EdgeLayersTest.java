package dev.coda;

import dev.coda.testsupport.LogCapture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.coda.testing.TestClient;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The layers around the app: the access log's line (fields, request id given or made, answers of CORS), the app's
 * own Jetty handlers (order, an early answer), and their order with CORS.
 */
class EdgeLayersTest {

    @RegisterExtension
    final LogCapture logs = new LogCapture("dev.coda");

    public static final class Routes {
        @Get("/items/{id}")
        public Map<String, String> item(String id, dev.coda.Request request) {
            return Map.of("id", id, "requestId", request.id());
        }
    }

    public static final class Streams {
        @Get("/events")
        public Response events() {
            return Response.events(java.util.stream.Stream.of("a", "b").map(ServerSentEvent::data));
        }

        @Get("/file")
        public Response file() throws java.io.IOException {
            var path = java.nio.file.Files.createTempFile("coda-edge", ".txt");
            java.nio.file.Files.writeString(path, "file body");
            path.toFile().deleteOnExit();
            return Response.file(path);
        }
    }

    @Test
    void streamedAndFileBodiesGetTheCorsHeadersAndStillStream() {
        try (var client = TestClient.of(Coda.app().routes(new Streams()).cors(c -> c.allowOrigins("https://a.example")).build())) {
            var events = client.request("GET", "/events").header("Origin", "https://a.example").send();
            assertThat(events.header("Access-Control-Allow-Origin")).contains("https://a.example");
            assertThat(events.header("Vary")).contains("Origin");
            assertThat(events.header("Content-Length")).isEmpty();
            assertThat(events.text()).contains("data: \"a\"", "data: \"b\"");
            var file = client.request("GET", "/file").header("Origin", "https://a.example").send();
            assertThat(file.header("Access-Control-Allow-Origin")).contains("https://a.example");
            assertThat(file.text()).isEqualTo("file body");
        }
    }

    private static Map<String, Object> fields(ILoggingEvent event) {
        return event.getKeyValuePairs().stream().collect(Collectors.toMap(kv -> kv.key, kv -> kv.value));
    }

    private java.util.List<ILoggingEvent> accessLines() {
        return logs.events().stream().filter(e -> e.getLoggerName().equals("dev.coda.access")).toList();
    }

    @Test
    void theAccessLogWritesOneStructuredLinePerRequest() {
        try (var client = TestClient.of(Coda.app().routes(new Routes()).accessLog(true).build())) {
            client.request("GET", "/items/7").header("X-Request-Id", "req-42").send();
            client.get("/missing");
        }
        await().until(() -> accessLines().size() == 2);
        var first = accessLines().getFirst();
        assertThat(first.getLevel()).isEqualTo(Level.INFO);
        assertThat(first.getFormattedMessage()).startsWith("method=GET path=/items/7 status=200 duration_ms=")
                // a client that closes as soon as it has the answer may make Jetty report the close: " failed=..." then follows
                .contains(" request_id=req-42");
        assertThat(fields(first)).containsEntry("method", "GET").containsEntry("path", "/items/7").containsEntry("status", 200)
                .containsEntry("request_id", "req-42").containsKey("duration_ms");
        assertThat((Double) fields(first).get("duration_ms")).isGreaterThanOrEqualTo(0.0);
        assertThat(fields(accessLines().get(1))).containsEntry("status", 404).containsEntry("path", "/missing");
    }

    @Test
    void aRequestWithoutAnIdGetsOneThatTheAppSeesToo() throws Exception {
        try (var client = TestClient.overNetwork(Coda.app().routes(new Routes()).accessLog(true).build());
             var http = HttpClient.newHttpClient()) {
            var response = http.send(HttpRequest.newBuilder(client.baseUri().resolve("/items/1")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            await().until(() -> accessLines().size() == 1);
            var logged = (String) fields(accessLines().getFirst()).get("request_id");
            assertThat(logged).matches("[0-9a-f-]{36}");
            assertThat(response.body()).contains("\"requestId\":\"" + logged + "\"");
        }
    }

    @Test
    void theAccessLogSeesWhatCorsAnswersBeforeTheApp() {
        try (var client = TestClient.of(Coda.app().routes(new Routes()).accessLog(true)
                .cors(c -> c.allowOrigins("https://a.example")).build())) {
            var response = client.request("OPTIONS", "/items/1").header("Origin", "https://evil.example")
                    .header("Access-Control-Request-Method", "GET").send();
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.text()).isEqualTo("Disallowed CORS origin");
        }
        await().until(() -> accessLines().size() == 1);
        assertThat(fields(accessLines().getFirst())).containsEntry("method", "OPTIONS").containsEntry("status", 400);
    }

    /** A Jetty handler that adds its name to {@code X-Layers}, or answers {@code 418} itself for {@code /teapot}. */
    private static Function<Handler, Handler> layer(String name) {
        return next -> new Handler.Wrapper(next) {
            @Override
            public boolean handle(Request request, org.eclipse.jetty.server.Response response, Callback callback) throws Exception {
                response.getHeaders().add("X-Layers", name);
                if (Request.getPathInContext(request).equals("/teapot")) {
                    response.setStatus(418);
                    response.write(true, ByteBuffer.wrap(name.getBytes(StandardCharsets.UTF_8)), callback);
                    return true;
                }
                return super.handle(request, response, callback);
            }
        };
    }

    @Test
    void jettyHandlersWrapTheAppFirstAddedOutermostAndMayAnswerEarly() {
        try (var client = TestClient.of(Coda.app().routes(new Routes()).jettyHandler(layer("outer")).jettyHandler(layer("inner"))
                .cors(c -> c.allowOrigins("*")).build())) {
            var routed = client.request("GET", "/items/3").header("Origin", "https://a.example").send();
            assertThat(routed.status()).isEqualTo(200);
            assertThat(routed.headers().get("x-layers")).containsExactly("outer", "inner");
            assertThat(routed.header("Access-Control-Allow-Origin")).contains("*");

            var early = client.request("GET", "/teapot").header("Origin", "https://a.example").send();
            assertThat(early.status()).isEqualTo(418);
            assertThat(early.text()).isEqualTo("outer");
            assertThat(early.headers().get("x-layers")).containsExactly("outer");
            assertThat(early.header("Access-Control-Allow-Origin")).as("CORS sits outside the app's handlers").contains("*");
            assertThat(early.tasks()).as("the app never ran: no tasks, and the client is not left waiting for them").isEmpty();
        }
    }
}
