package dev.coda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ServerTest {

    private static final int LIMIT = 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The app under test; latches let a test hold a request inside its handler. */
    public static final class Endpoints {
        final AtomicInteger uploads = new AtomicInteger();
        final CountDownLatch slowEntered = new CountDownLatch(1);
        final CountDownLatch slowRelease = new CountDownLatch(1);
        final CountDownLatch stuckEntered = new CountDownLatch(1);
        final CountDownLatch stuckRelease = new CountDownLatch(1);

        @Get("/")
        public Map<String, String> root() {
            return Map.of("Hello", "World");
        }

        @Get("/virtual")
        public Map<String, Boolean> virtual() {
            return Map.of("virtual", Thread.currentThread().isVirtual());
        }

        @Get("/square/{n}")
        public Map<String, Long> square(long n) {
            return Map.of("n", n, "square", n * n);
        }

        @Post("/upload")
        public Map<String, Integer> upload(byte[] body) {
            uploads.incrementAndGet();
            return Map.of("size", body.length);
        }

        @Get("/slow")
        public Map<String, String> slow() throws InterruptedException {
            slowEntered.countDown();
            slowRelease.await();
            return Map.of("done", "yes");
        }

        @Get("/stuck")
        public Map<String, String> stuck() throws InterruptedException {
            stuckEntered.countDown();
            stuckRelease.await();
            return Map.of("done", "late");
        }
    }

    private final Endpoints endpoints = new Endpoints();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final List<Server> servers = new ArrayList<>();

    @AfterEach
    void releaseHandlersAndStop() {
        endpoints.slowRelease.countDown();
        endpoints.stuckRelease.countDown();
        servers.forEach(Server::stop);
        http.close();
    }

    private Server start(Coda.Builder builder) {
        var server = builder.start();
        servers.add(server);
        return server;
    }

    private Coda.Builder app() {
        return Coda.app().routes(endpoints).host("127.0.0.1").port(0).maxRequestBodySize(LIMIT);
    }

    private Server start() {
        return start(app());
    }

    private HttpResponse<String> get(Server server, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(server.uri().resolve(path)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private CompletableFuture<HttpResponse<String>> getAsync(Server server, String path) {
        return http.sendAsync(HttpRequest.newBuilder(server.uri().resolve(path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Object json(String text) throws IOException {
        return JSON.readValue(text, Object.class);
    }

    private static boolean connects(String address, int port) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 2_000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }


    @Nested
    class Listening {

        @Test
        void start_with_port_zero_listens_on_a_free_port_and_reports_it_in_port_and_uri() throws Exception {
            var server = start();

            assertThat(server.port()).isBetween(1, 65535);
            assertThat(server.uri()).isEqualTo(URI.create("http://127.0.0.1:" + server.port()));
            var response = get(server, "/");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(json(response.body())).isEqualTo(Map.of("Hello", "World"));
        }

        @Test
        void without_host_the_server_listens_on_loopback_only() throws Exception {
            assumeThat(System.getProperty("os.name")).as("127.0.0.2 is a loopback address on Linux").startsWith("Linux");
            var server = start(Coda.app(Map.of("PORT", "0")).routes(endpoints));

            assertThat(connects("127.0.0.1", server.port())).isTrue();
            assertThat(connects("127.0.0.2", server.port())).as("bound to 127.0.0.1, not to every address").isFalse();
        }

        @Test
        void host_0_0_0_0_in_the_environment_listens_on_all_interfaces() throws Exception {
            assumeThat(System.getProperty("os.name")).as("127.0.0.2 is a loopback address on Linux").startsWith("Linux");
            var server = start(Coda.app(Map.of("HOST", "0.0.0.0", "PORT", "0")).routes(endpoints));

            assertThat(connects("127.0.0.2", server.port())).isTrue();
            assertThat(server.uri()).isEqualTo(URI.create("http://127.0.0.1:" + server.port()));
        }

        @Test
        void a_bad_port_in_the_environment_fails_build_only_when_the_code_does_not_set_the_port() {
            var environment = Map.of("PORT", "eighty");

            assertThatThrownBy(() -> Coda.app(environment).routes(endpoints).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("PORT is not a number: eighty");
            assertThatThrownBy(() -> Coda.app(Map.of("PORT", "70000")).routes(endpoints).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PORT out of range");
            assertThat(Coda.app(environment).routes(endpoints).port(0).build()).isNotNull();
        }

        @Test
        void two_servers_started_with_port_zero_get_different_ports() {
            var first = start();
            var second = start(Coda.app().routes(new Endpoints()).host("127.0.0.1").port(0));

            assertThat(first.port()).isNotEqualTo(second.port());
        }

        @Test
        void starting_on_a_port_already_in_use_fails_with_an_illegal_state_exception_naming_the_address() {
            var first = start();

            assertThatThrownBy(() -> start(app().port(first.port())))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("127.0.0.1:" + first.port());
        }

        @Test
        void path_operations_run_on_virtual_threads() throws Exception {
            var server = start();

            var response = get(server, "/virtual");

            assertThat(json(response.body())).isEqualTo(Map.of("virtual", true));
        }

        @Test
        void a_keep_alive_connection_answers_two_requests_in_turn() throws Exception {
            var server = start();
            try (var connection = new RawHttp(server.port())) {
                var first = connection.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n").read();
                var second = connection.send("GET /square/7 HTTP/1.1\r\nHost: localhost\r\n\r\n").read();

                assertThat(first.status()).isEqualTo(200);
                assertThat(json(first.body())).isEqualTo(Map.of("Hello", "World"));
                assertThat(first.header("connection")).isNull();
                assertThat(second.status()).isEqualTo(200);
                assertThat(json(second.body())).isEqualTo(Map.of("n", 7, "square", 49));
            }
        }

        @Test
        void an_idle_keep_alive_connection_is_closed_after_the_idle_timeout() throws Exception {
            var server = start(app().idleTimeout(Duration.ofMillis(500)));
            try (var connection = new RawHttp(server.port())) {
                assertThat(connection.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n").read().status()).isEqualTo(200);

                long begin = System.nanoTime();
                var closed = connection.closedByServer(); // blocks until the server closes (or 20 s pass)
                var elapsed = Duration.ofNanos(System.nanoTime() - begin);

                assertThat(closed).isTrue();
                assertThat(elapsed).isLessThan(Duration.ofSeconds(10));
            }
        }

        @Test
        void two_pipelined_requests_on_one_connection_are_answered_in_order() throws Exception {
            var server = start();
            try (var connection = new RawHttp(server.port())) {
                connection.send("GET /square/2 HTTP/1.1\r\nHost: localhost\r\n\r\nGET /square/3 HTTP/1.1\r\nHost: localhost\r\n\r\n");

                assertThat(json(connection.read().body())).isEqualTo(Map.of("n", 2, "square", 4));
                assertThat(json(connection.read().body())).isEqualTo(Map.of("n", 3, "square", 9));
            }
        }

        @Test
        void a_response_carries_content_type_and_exact_content_length() throws Exception {
            var server = start();
            try (var connection = new RawHttp(server.port())) {
                var reply = connection.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n").read();

                assertThat(reply.header("content-type")).isEqualTo("application/json");
                assertThat(reply.header("content-length")).isEqualTo(String.valueOf("{\"Hello\":\"World\"}".length()));
                assertThat(reply.header("server")).isNull();
            }
        }

        @Test
        void two_hundred_concurrent_requests_are_all_answered_correctly() throws Exception {
            var server = start();
            int count = 200;
            var start = new CountDownLatch(1);
            try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
                var futures = new ArrayList<Future<HttpResponse<String>>>();
                for (int i = 0; i < count; i++) {
                    var n = i;
                    futures.add(threads.submit(() -> {
                        start.await();
                        return get(server, "/square/" + n);
                    }));
                }
                start.countDown();
                for (int i = 0; i < count; i++) {
                    var response = futures.get(i).get(60, TimeUnit.SECONDS);
                    assertThat(response.statusCode()).isEqualTo(200);
                    assertThat(json(response.body())).isEqualTo(Map.of("n", i, "square", i * i));
                }
            }
        }
    }

    @Nested
    class SettingsAreChecked {

        @Test
        void a_setting_out_of_its_range_is_refused_at_once_naming_it() {
            var builder = app();

            assertThatThrownBy(() -> builder.maxConnections(0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("maxConnections must be at least 1: 0");
            assertThatThrownBy(() -> builder.acceptQueueSize(-5)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("acceptQueueSize must be at least 1: -5");
            assertThatThrownBy(() -> builder.requestHeadTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("requestHeadTimeout must be at least 1 ms: PT0S");
            assertThatThrownBy(() -> builder.idleTimeout(Duration.ofNanos(10))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("idleTimeout must be at least 1 ms");
            assertThatThrownBy(() -> builder.minRequestBodyRate(0, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("minRequestBodyRate must be at least 1 byte per second: 0");
            assertThatThrownBy(() -> builder.minRequestBodyRate(100, Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("grace must be at least 1 ms: PT-1S");
            assertThatThrownBy(() -> builder.shutdownTimeout(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("shutdownTimeout must not be negative: PT-1S");
            assertThatThrownBy(() -> builder.port(65536)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("port out of range (0 to 65535): 65536");
        }
    }

    @Nested
    class HeadRequests {

        @Test
        void head_has_the_content_length_of_the_get_response_but_no_body() throws Exception {
            var server = start();
            try (var connection = new RawHttp(server.port())) {
                var head = connection.send("HEAD / HTTP/1.1\r\nHost: localhost\r\n\r\n").read(true);
                // Were there body bytes after the HEAD headers, this response would not parse.
                var next = connection.send("GET /square/4 HTTP/1.1\r\nHost: localhost\r\n\r\n").read();

                assertThat(head.status()).isEqualTo(200);
                assertThat(head.header("content-length")).isEqualTo(String.valueOf("{\"Hello\":\"World\"}".length()));
                assertThat(head.header("content-type")).isEqualTo("application/json");
                assertThat(next.status()).isEqualTo(200);
                assertThat(json(next.body())).isEqualTo(Map.of("n", 4, "square", 16));
            }
        }
    }

    @Nested
    class RequestBodyLimit {

        @Test
        void a_content_length_above_the_limit_is_answered_413_in_json_without_running_the_handler() throws Exception {
            var server = start();
            try (var connection = new RawHttp(server.port())) {
                var reply = connection.send("POST /upload HTTP/1.1\r\nHost: localhost\r\n"
                        + "Content-Type: application/octet-stream\r\nContent-Length: " + (LIMIT + 1) + "\r\n\r\n").read();

                assertThat(reply.status()).isEqualTo(413);
                assertThat(reply.header("content-type")).isEqualTo("application/json");
                assertThat(json(reply.body())).isEqualTo(Map.of("detail", "Content Too Large"));
                assertThat(reply.header("connection")).isEqualToIgnoringCase("close");
                assertThat(connection.closedByServer()).isTrue();
            }
            assertThat(endpoints.uploads).hasValue(0);
        }

        @Test
        void a_chunked_body_growing_past_the_limit_is_answered_413_without_running_the_handler() throws Exception {
            var server = start();
            var chunk = "x".repeat(600);
            try (var connection = new RawHttp(server.port())) {
                var reply = connection.send("POST /upload HTTP/1.1\r\nHost: localhost\r\n"
                                + "Content-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                                + "258\r\n" + chunk + "\r\n258\r\n" + chunk + "\r\n0\r\n\r\n")
                        .read();

                assertThat(reply.status()).isEqualTo(413);
                assertThat(json(reply.body())).isEqualTo(Map.of("detail", "Content Too Large"));
                assertThat(reply.header("connection")).isEqualToIgnoringCase("close");
            }
            assertThat(endpoints.uploads).hasValue(0);
        }

        @Test
        void expect_100_continue_with_a_content_length_above_the_limit_gets_413_without_a_100_continue()
                throws Exception {
            var server = start();
            try (var connection = new RawHttp(server.port())) {
                var reply = connection.send("POST /upload HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\n"
                        + "Content-Length: " + (LIMIT * 100) + "\r\n\r\n").read();

                assertThat(reply.status()).isEqualTo(413);
                assertThat(json(reply.body())).isEqualTo(Map.of("detail", "Content Too Large"));
            }
            assertThat(endpoints.uploads).hasValue(0);
        }

        @Test
        void expect_100_continue_within_the_limit_gets_100_continue_then_the_answer() throws Exception {
            var server = start();
            try (var connection = new RawHttp(server.port())) {
                var interim = connection.send("POST /upload HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\n"
                        + "Content-Length: 3\r\n\r\n").read(true);
                var reply = connection.send("abc").read();

                assertThat(interim.status()).isEqualTo(100);
                assertThat(reply.status()).isEqualTo(200);
                assertThat(json(reply.body())).isEqualTo(Map.of("size", 3));
            }
        }

        @Test
        void a_body_cut_short_by_the_client_is_answered_400_like_fastapi_and_the_handler_does_not_run()
                throws Exception {
            var server = start();
            try (var connection = new RawHttp(server.port())) {
                var reply = connection.send("POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n"
                        + "only ten b").endOutput().read();

                assertThat(reply.status()).isEqualTo(400);
                assertThat(reply.header("content-type")).startsWith("application/json");
                assertThat(json(reply.body())).isEqualTo(Map.of("detail", "There was an error parsing the body"));
            }
            assertThat(endpoints.uploads).hasValue(0);
        }

        @Test
        void a_body_exactly_at_the_limit_is_accepted() throws Exception {
            var server = start();

            var response = http.send(HttpRequest.newBuilder(server.uri().resolve("/upload"))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[LIMIT]))
                            .header("Content-Type", "application/octet-stream").build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(json(response.body())).isEqualTo(Map.of("size", LIMIT));
        }

        @Test
        void a_chunked_body_exactly_at_the_limit_is_accepted_and_the_connection_stays_open() throws Exception {
            var server = start();
            var chunk = "y".repeat(LIMIT / 2);
            var hex = Integer.toHexString(LIMIT / 2);
            try (var connection = new RawHttp(server.port())) {
                var reply = connection.send("POST /upload HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + hex + "\r\n" + chunk + "\r\n" + hex + "\r\n" + chunk + "\r\n0\r\n\r\n").read();
                var next = connection.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n").read();

                assertThat(reply.status()).isEqualTo(200);
                assertThat(json(reply.body())).isEqualTo(Map.of("size", LIMIT));
                assertThat(next.status()).isEqualTo(200);
            }
        }

        @Test
        void a_limit_of_long_max_value_means_no_limit_and_still_accepts_bodies() throws Exception {
            var server = start(app().maxRequestBodySize(Long.MAX_VALUE));

            var response = http.send(HttpRequest.newBuilder(server.uri().resolve("/upload"))
                            .POST(HttpRequest.BodyPublishers.ofString("hello")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(json(response.body())).isEqualTo(Map.of("size", 5));
        }
    }

    @Nested
    class ErrorsJettyAnswersItself {

        private RawHttp.Reply send(String raw) throws Exception {
            var server = start();
            try (var connection = new RawHttp(server.port())) {
                return connection.send(raw).read();
            }
        }

        @Test
        void a_malformed_request_line_is_answered_400_in_json_not_html() throws Exception {
            var reply = send("THIS IS NOT HTTP\r\n\r\n");

            assertThat(reply.status()).isEqualTo(400);
            assertThat(reply.header("content-type")).startsWith("application/json");
            assertThat(reply.body()).doesNotContainIgnoringCase("<html");
            assertThat(json(reply.body())).isEqualTo(Map.of("detail", "Bad Request"));
        }

        @Test
        void a_header_line_without_a_colon_is_answered_400_in_json() throws Exception {
            var reply = send("GET / HTTP/1.1\r\nHost: localhost\r\nthis header has no colon\r\n\r\n");

            assertThat(reply.status()).isEqualTo(400);
            assertThat(reply.header("content-type")).startsWith("application/json");
            assertThat(json(reply.body())).isEqualTo(Map.of("detail", "Bad Request"));
        }

        @Test
        void headers_too_large_are_answered_431_in_json() throws Exception {
            var reply = send("GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n");

            assertThat(reply.status()).isEqualTo(431);
            assertThat(reply.header("content-type")).startsWith("application/json");
            assertThat(json(reply.body())).isEqualTo(Map.of("detail", "Request Header Fields Too Large"));
        }
    }

    @Nested
    class GracefulStop {

        @Test
        void a_request_in_flight_during_stop_still_gets_its_full_response_and_new_connections_are_refused()
                throws Exception {
            var server = start(app().shutdownTimeout(Duration.ofSeconds(20)));
            int port = server.port();
            var inFlight = getAsync(server, "/slow");
            assertThat(endpoints.slowEntered.await(10, TimeUnit.SECONDS)).isTrue();

            var stopped = CompletableFuture.runAsync(server::stop);
            await().atMost(Duration.ofSeconds(10)).until(() -> RawHttp.refusesConnections(port));
            assertThat(stopped).isNotDone();
            endpoints.slowRelease.countDown();

            var response = inFlight.get(20, TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(json(response.body())).isEqualTo(Map.of("done", "yes"));
            stopped.get(20, TimeUnit.SECONDS);
            assertThat(RawHttp.refusesConnections(port)).isTrue();
        }

        @Test
        void stop_waits_no_longer_than_the_shutdown_timeout_for_a_handler_that_never_finishes() throws Exception {
            var timeout = Duration.ofSeconds(1);
            var server = start(app().shutdownTimeout(timeout));
            var stuck = getAsync(server, "/stuck");
            assertThat(endpoints.stuckEntered.await(10, TimeUnit.SECONDS)).isTrue();

            long begin = System.nanoTime();
            server.stop();
            var elapsed = Duration.ofNanos(System.nanoTime() - begin);

            assertThat(elapsed).isGreaterThanOrEqualTo(timeout.minusMillis(100)).isLessThan(Duration.ofSeconds(15));
            assertThat(RawHttp.refusesConnections(server.port())).isTrue();
            // the abandoned exchange is not left hanging: its connection is closed
            var failure = catchFailure(stuck);
            assertThat(failure).isInstanceOf(IOException.class);
        }

        @Test
        void idle_keep_alive_connections_do_not_delay_a_graceful_stop() throws Exception {
            var server = start(app().shutdownTimeout(Duration.ofSeconds(30)));
            try (var idle = new RawHttp(server.port())) {
                assertThat(idle.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n").read().status()).isEqualTo(200);

                long begin = System.nanoTime();
                server.stop();
                var elapsed = Duration.ofNanos(System.nanoTime() - begin);

                assertThat(elapsed).isLessThan(Duration.ofSeconds(10));
                assertThat(idle.closedByServer()).isTrue();
            }
        }

        @Test
        void a_new_request_on_an_open_connection_during_stop_is_answered_503_in_json() throws Exception {
            var server = start(app().shutdownTimeout(Duration.ofSeconds(20)));
            int port = server.port();
            var inFlight = getAsync(server, "/slow");
            assertThat(endpoints.slowEntered.await(10, TimeUnit.SECONDS)).isTrue();
            try (var open = new RawHttp(port)) {
                assertThat(open.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n").read().status()).isEqualTo(200);

                var stopped = CompletableFuture.runAsync(server::stop);
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> RawHttp.refusesConnections(port));
                // Jetty gives open connections one second once stopping; this request comes well within it
                var reply = open.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n").read();

                assertThat(reply.status()).isEqualTo(503);
                assertThat(reply.header("content-type")).startsWith("application/json");
                assertThat(json(reply.body())).isEqualTo(Map.of("detail", "Service Unavailable"));
                endpoints.slowRelease.countDown();
                assertThat(inFlight.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
                stopped.get(20, TimeUnit.SECONDS);
            }
        }

        @Test
        void port_and_uri_still_report_the_bound_port_after_stop() {
            var server = start();
            int port = server.port();
            var uri = server.uri();

            server.stop();

            assertThat(server.port()).isEqualTo(port);
            assertThat(server.uri()).isEqualTo(uri);
        }

        @Test
        void closing_the_server_stops_it() throws Exception {
            int port;
            try (var server = Coda.app().routes(endpoints).host("127.0.0.1").port(0).start()) {
                port = server.port();
                assertThat(get(server, "/").statusCode()).isEqualTo(200);
            }
            assertThat(RawHttp.refusesConnections(port)).isTrue();
        }

        @Test
        void join_returns_once_the_server_has_stopped() throws Exception {
            var server = start();
            var joined = new CountDownLatch(1);
            Thread.ofVirtual().start(() -> {
                try {
                    server.join();
                    joined.countDown();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThat(joined.await(200, TimeUnit.MILLISECONDS)).isFalse();

            server.stop();

            assertThat(joined.await(10, TimeUnit.SECONDS)).isTrue();
        }

        private static Throwable catchFailure(CompletableFuture<?> future) throws Exception {
            try {
                future.get(20, TimeUnit.SECONDS);
                return null;
            } catch (ExecutionException e) {
                return e.getCause();
            }
        }
    }
}
