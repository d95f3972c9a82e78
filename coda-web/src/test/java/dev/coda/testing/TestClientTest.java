package dev.coda.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.coda.Body;
import dev.coda.Coda;
import dev.coda.Delete;
import dev.coda.Dependency;
import dev.coda.Get;
import dev.coda.Header;
import dev.coda.Managed;
import dev.coda.Post;
import dev.coda.Put;
import dev.coda.Request;
import dev.coda.Response;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestClientTest {

    public record Item(String name, double price) {
    }

    public record Stored(int id, String name, double price) {
    }

    /** A small app that also tells what it received. */
    public static final class Api {
        @Get("/items/{id}")
        public Map<String, Object> read(int id, Optional<String> q) {
            return Map.of("id", id, "q", q.orElse("none"));
        }

        @Post("/items")
        public Response create(Item item) {
            return Response.created(new Stored(7, item.name(), item.price())).header("Location", "/items/7");
        }

        @Put("/items/{id}")
        public Stored update(int id, Item item) {
            return new Stored(id, item.name(), item.price());
        }

        @Delete("/items/{id}")
        public Response delete(int id) {
            return Response.noContent().header("X-Deleted", String.valueOf(id));
        }

        @Get("/headers")
        public Response headers(@Header("X-Token") String token, @Header("X-Tag") List<String> tags) {
            return Response.ok(Map.of("token", token, "tags", tags)).header("X-Echo", token);
        }

        @Post("/raw")
        public Map<String, Object> raw(@Body String text, Request request) {
            return Map.of("contentTypes", request.headers("Content-Type"), "text", text);
        }

        @Post("/bytes")
        public Response bytes(byte[] body) {
            return Response.bytes(body, "application/octet-stream");
        }

        @Get("/text")
        public Response text() {
            return Response.text("plain words");
        }

        @Get("/host")
        public Map<String, Object> host(Request request) {
            return Map.of("hosts", request.headers("Host"));
        }
    }

    public static final class Session {
    }

    /** A dependency with cleanup, counted when it is closed. */
    public static final class Sessions {
        final CountDownLatch closed = new CountDownLatch(1);

        @Dependency
        public Managed<Session> session() {
            return Managed.of(new Session(), closed::countDown);
        }

        @Get("/session")
        public Map<String, Boolean> use(Session session) {
            return Map.of("session", session != null);
        }
    }

    enum Mode {
        IN_PROCESS(TestClient::of),
        NETWORK(TestClient::overNetwork);

        final Function<Coda, TestClient> open;

        Mode(Function<Coda, TestClient> open) {
            this.open = open;
        }
    }

    private static Coda app() {
        return Coda.app().routes(new Api()).build();
    }

    private final Map<Mode, TestClient> clients = new EnumMap<>(Mode.class);

    @BeforeAll
    void openClients() {
        for (var mode : Mode.values()) {
            clients.put(mode, mode.open.apply(app()));
        }
    }

    @AfterAll
    void closeClients() {
        clients.values().forEach(TestClient::close);
    }

    private TestClient client(Mode mode) {
        return clients.get(mode);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void get_answers_json_with_status_content_type_and_content_length(Mode mode) {
        var response = client(mode).get("/items/5?q=somequery");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Type")).contains("application/json");
        assertThat(response.header("content-length")).contains(String.valueOf(response.bytes().length));
        assertThat(response.json()).isEqualTo(Map.of("id", 5, "q", "somequery"));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void post_with_a_json_body_reaches_the_record_parameter_and_returns_201_with_location(Mode mode) {
        var response = client(mode).post("/items", Map.of("name", "Hammer", "price", 9.5));

        assertThat(response.status()).isEqualTo(201);
        assertThat(response.header("location")).contains("/items/7");
        assertThat(response.json(Stored.class)).isEqualTo(new Stored(7, "Hammer", 9.5));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void post_without_a_body_for_a_required_body_is_answered_422(Mode mode) {
        var response = client(mode).post("/items");

        assertThat(response.status()).isEqualTo(422);
        assertThat(response.header("content-type")).contains("application/json");
        assertThat(response.text()).contains("\"loc\":[\"body\"]");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void put_with_a_json_body_updates(Mode mode) {
        var response = client(mode).put("/items/3", new Item("Saw", 12.25));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json(Stored.class)).isEqualTo(new Stored(3, "Saw", 12.25));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void delete_answers_204_without_body_and_with_its_headers(Mode mode) {
        var response = client(mode).delete("/items/3");

        assertThat(response.status()).isEqualTo(204);
        assertThat(response.bytes()).isEmpty();
        assertThat(response.header("X-Deleted")).contains("3");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void head_answers_the_get_headers_without_a_body(Mode mode) {
        var get = client(mode).get("/items/5");
        var head = client(mode).head("/items/5");

        assertThat(head.status()).isEqualTo(200);
        assertThat(head.bytes()).isEmpty();
        assertThat(head.header("content-length")).isEqualTo(get.header("content-length")).isPresent();
        assertThat(head.header("content-type")).contains("application/json");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void custom_request_headers_reach_the_app_and_repeated_ones_keep_every_value(Mode mode) {
        var response = client(mode).request("GET", "/headers")
                .header("X-Token", "secret")
                .header("X-Tag", "a")
                .header("X-Tag", "b")
                .send();

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json()).isEqualTo(Map.of("token", "secret", "tags", List.of("a", "b")));
        assertThat(response.header("x-echo")).contains("secret");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void a_missing_required_header_is_answered_422(Mode mode) {
        var response = client(mode).get("/headers");

        assertThat(response.status()).isEqualTo(422);
        assertThat(response.text()).containsIgnoringCase("\"loc\":[\"header\",\"X-Token\"]");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void a_raw_text_body_is_sent_with_its_content_type(Mode mode) {
        var response = client(mode).request("POST", "/raw").body("héllo wörld", "text/plain; charset=utf-8").send();

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json()).isEqualTo(Map.of(
                "contentTypes", List.of("text/plain; charset=utf-8"), "text", "héllo wörld"));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void the_content_type_given_with_the_body_replaces_one_set_before_whatever_its_case(Mode mode) {
        var response = client(mode).request("POST", "/raw")
                .header("content-type", "text/plain")
                .body("{}", "application/json")
                .send();

        assertThat(response.json()).isEqualTo(Map.of("contentTypes", List.of("application/json"), "text", "{}"));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void raw_bytes_go_through_unchanged_both_ways(Mode mode) {
        var bytes = new byte[256];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }

        var response = client(mode).request("POST", "/bytes").body(bytes, "application/octet-stream").send();

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("content-type")).contains("application/octet-stream");
        assertThat(response.bytes()).isEqualTo(bytes);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void a_text_response_is_read_as_text(Mode mode) {
        var response = client(mode).get("/text");

        assertThat(response.header("content-type")).contains("text/plain; charset=utf-8");
        assertThat(response.text()).isEqualTo("plain words");
        assertThat(response).hasToString("200 plain words");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void json_of_a_body_that_is_not_json_fails_with_the_body_in_the_message(Mode mode) {
        var response = client(mode).get("/text");

        assertThatThrownBy(() -> response.json(Map.class))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("plain words");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void header_is_case_insensitive_and_empty_when_absent(Mode mode) {
        var response = client(mode).get("/items/1");

        assertThat(response.header("CONTENT-TYPE")).isEqualTo(response.header("content-type")).contains("application/json");
        assertThat(response.header("X-Not-There")).isEmpty();
        assertThat(response.headers()).containsKey("content-type");
        assertThat(response.headers().keySet()).allSatisfy(name -> assertThat(name).isLowerCase());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void unknown_paths_and_wrong_methods_are_answered_like_fastapi(Mode mode) {
        var notFound = client(mode).get("/nowhere");
        var wrongMethod = client(mode).request("PATCH", "/items/1").send();

        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.json()).isEqualTo(Map.of("detail", "Not Found"));
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.header("allow")).isPresent();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void dependency_cleanups_run_after_the_response(Mode mode) throws InterruptedException {
        var sessions = new Sessions();
        try (var client = mode.open.apply(Coda.app().routes(sessions).build())) {
            var response = client.get("/session");

            assertThat(response.json()).isEqualTo(Map.of("session", true));
            assertThat(sessions.closed.await(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void both_modes_answer_the_same_requests_identically() {
        List<Function<TestClient, TestResponse>> requests = List.of(
                c -> c.get("/items/5?q=x"),
                c -> c.get("/items/notanumber"),
                c -> c.post("/items", Map.of("name", "Hammer", "price", 9.5)),
                c -> c.post("/items", Map.of("name", "Hammer")),
                c -> c.request("POST", "/items").body("{not json", "application/json").send(),
                c -> c.put("/items/3", new Item("Saw", 1)),
                c -> c.delete("/items/3"),
                c -> c.head("/items/5"),
                c -> c.request("GET", "/headers").header("X-Token", "t").send(),
                c -> c.request("POST", "/raw").body("text", "text/plain").send(),
                c -> c.get("/nowhere"),
                c -> c.request("PATCH", "/items/1").send());
        for (var request : requests) {
            var local = request.apply(client(Mode.IN_PROCESS));
            var network = request.apply(client(Mode.NETWORK));

            assertThat(network.status()).as("status of %s", local).isEqualTo(local.status());
            assertThat(network.text()).as("body of %s", local).isEqualTo(local.text());
            for (var name : List.of("content-type", "content-length", "location", "allow", "x-deleted")) {
                assertThat(network.header(name)).as("%s of %s", name, local).isEqualTo(local.header(name));
            }
        }
    }

    @Test
    void a_request_jetty_refuses_before_reading_its_headers_is_answered_at_once_without_waiting_for_tasks() {
        var tooLarge = "x".repeat(16 * 1024);                 // past Jetty's 8 KiB of request head: a 431

        long start = System.nanoTime();
        var response = client(Mode.IN_PROCESS).request("GET", "/headers").header("X-Token", tooLarge).send();

        assertThat(response.status()).isEqualTo(431);
        assertThat(response.tasks()).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("not the client's 30 s wait for the tasks of a request "
                + "whose id the server never read").isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void base_uri_is_the_loopback_address_of_a_network_client_and_answers_other_clients() throws Exception {
        var baseUri = client(Mode.NETWORK).baseUri();

        assertThat(baseUri.getScheme()).isEqualTo("http");
        assertThat(baseUri.getHost()).isEqualTo("127.0.0.1");
        assertThat(baseUri.getPort()).isPositive();
        try (var http = HttpClient.newHttpClient()) {
            var response = http.send(HttpRequest.newBuilder(baseUri.resolve("/items/9")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("\"id\":9").contains("\"q\":\"none\"");
        }
    }

    @Test
    void an_in_process_client_has_no_base_uri() {
        assertThatThrownBy(() -> client(Mode.IN_PROCESS).baseUri())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("overNetwork");
    }

    @Test
    void the_in_process_client_sends_host_testserver_unless_the_test_sets_its_own() {
        var byDefault = client(Mode.IN_PROCESS).get("/host");
        var custom = client(Mode.IN_PROCESS).request("GET", "/host").header("host", "example.com").send();

        assertThat(byDefault.json()).isEqualTo(Map.of("hosts", List.of("testserver")));
        assertThat(custom.status()).as(custom.toString()).isEqualTo(200);
        assertThat(custom.json()).isEqualTo(Map.of("hosts", List.of("example.com")));
    }

    @Test
    void the_network_client_always_uses_the_loopback_port_even_if_the_app_was_built_for_another() {
        var app = Coda.app().routes(new Api()).host("0.0.0.0").port(1).build();
        try (var client = TestClient.overNetwork(app)) {
            assertThat(client.baseUri().getPort()).isNotEqualTo(1);
            assertThat(client.get("/items/1").status()).isEqualTo(200);
        }
    }

    @Test
    void a_closed_network_client_no_longer_answers_on_its_port() {
        URI baseUri;
        try (var client = TestClient.overNetwork(app())) {
            baseUri = client.baseUri();
            assertThat(client.get("/items/1").status()).isEqualTo(200);
        }
        try (var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(baseUri.resolve("/items/1")).build(),
                    HttpResponse.BodyHandlers.discarding()))
                    .isInstanceOf(java.net.ConnectException.class);
        }
    }

    @Test
    void closing_a_network_client_also_releases_its_http_client_threads() {
        Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
        var client = TestClient.overNetwork(app());
        assertThat(client.get("/items/1").status()).isEqualTo(200);
        var started = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.getName().startsWith("HttpClient-"))
                .toList();
        assertThat(started).isNotEmpty();

        client.close();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(started).noneMatch(Thread::isAlive));
    }

    @Test
    void closing_clients_with_idle_connections_does_not_wait_for_them_to_time_out() {
        for (var mode : Mode.values()) {
            var client = mode.open.apply(app());
            for (int i = 0; i < 3; i++) {
                assertThat(client.get("/items/" + i).status()).isEqualTo(200);
            }
            long begin = System.nanoTime();
            client.close();
            var elapsed = Duration.ofNanos(System.nanoTime() - begin);
            // Jetty gives connections still open at shutdown one second to go idle-closed
            assertThat(elapsed).as("closing the %s client", mode).isLessThan(Duration.ofMillis(900));
        }
    }

    @Test
    void a_json_body_is_written_with_the_app_mapper_conventions() {
        var response = client(Mode.IN_PROCESS).request("POST", "/raw")
                .json(Map.of("when", java.time.LocalDate.of(2024, 2, 29), "maybe", Optional.empty()))
                .send();

        @SuppressWarnings("unchecked")
        var text = (String) response.json(Map.class).get("text");
        assertThat(text).contains("\"when\":\"2024-02-29\"").contains("\"maybe\":null");
        assertThat(new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(text);
    }
}
