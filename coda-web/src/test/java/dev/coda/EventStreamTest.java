package dev.coda;

import dev.coda.testsupport.LogCapture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import dev.coda.testing.TestClient;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Server-sent events (FastAPI's EventSourceResponse): the wire format, keep-alive pings, Last-Event-ID, disconnects. */
class EventStreamTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    record Item(String name, double price) {
    }

    static final List<Item> ITEMS = List.of(new Item("Plumbus", 32.99), new Item("Portal Gun", 999.99), new Item("Meeseeks Box", 49.99));

    static final class Probe {
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch interrupted = new CountDownLatch(1);
        final AtomicReference<Thread> producer = new AtomicReference<>();
        final AtomicReference<Boolean> openAfter = new AtomicReference<>();
    }

    public static final class Routes {
        final Probe probe;

        Routes(Probe probe) {
            this.probe = probe;
        }

        /** FastAPI's server_sent_events/tutorial002, plus raw multi-line data and a plain string. */
        @Get("/items/stream")
        public Response items() {
            return Response.events(sink -> {
                sink.comment("stream of item updates");
                for (int i = 0; i < ITEMS.size(); i++) {
                    sink.send(ServerSentEvent.data(ITEMS.get(i)).withEvent("item_update").withId(String.valueOf(i + 1))
                            .withRetry(Duration.ofSeconds(5)));
                }
                sink.send(ServerSentEvent.raw("line one\nline two\r\nline three"));
                sink.data("hello");
            });
        }

        /** FastAPI's tutorial001: plain values, each one the data of an event. */
        @Get("/items/plain")
        public Response plain() {
            return Response.events(Stream.concat(ITEMS.stream(), Stream.of(ServerSentEvent.raw("[DONE]").withEvent("done"))));
        }

        /** FastAPI's tutorial004, the header as text. */
        @Get("/items/resume")
        public Response resume(@Header("Last-Event-ID") Optional<String> lastEventId) {
            int start = lastEventId.map(id -> Integer.parseInt(id) + 1).orElse(0);
            return Response.events(IntStream.range(start, ITEMS.size())
                    .mapToObj(i -> ServerSentEvent.data(ITEMS.get(i)).withId(String.valueOf(i))));
        }

        /** FastAPI's tutorial004 as written there: {@code last_event_id: int | None}. */
        @Get("/items/resume-int")
        public Response resumeInt(@Header Optional<Integer> lastEventId) {
            int start = lastEventId.map(id -> id + 1).orElse(0);
            return Response.events(IntStream.range(start, ITEMS.size()).mapToObj(i -> ServerSentEvent.data(ITEMS.get(i)).withId(String.valueOf(i))));
        }

        @Get("/quiet")
        public Response quiet() {
            return Response.events(sink -> {
                sink.data("start");
                probe.release.await(10, TimeUnit.SECONDS);
                sink.data("end");
            });
        }

        @Get("/waits-forever")
        public Response waitsForever() {
            return Response.events(sink -> {
                probe.producer.set(Thread.currentThread());
                sink.data("start");
                try {
                    new LinkedBlockingQueue<String>().take();       // a producer waiting for news that never come
                } catch (InterruptedException e) {
                    probe.openAfter.set(sink.isOpen());
                    probe.interrupted.countDown();
                    throw e;
                }
            });
        }
    }

    @RegisterExtension
    final LogCapture logs = LogCapture.everything();

    private final Probe probe = new Probe();
    private TestClient client;
    private HttpClient http;

    @BeforeEach
    void start() {
        client = TestClient.overNetwork(Coda.app().routes(new Routes(probe)).eventKeepAlive(Duration.ofMillis(50)).build());
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterEach
    void stop() {
        http.close();
        client.close();
    }

    @Test
    void events_are_written_in_fastapis_format_with_the_event_stream_headers() {
        var response = client.get("/items/stream");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("content-type")).hasValue("text/event-stream");
        assertThat(response.header("cache-control")).hasValue("no-cache");
        assertThat(response.header("x-accel-buffering")).hasValue("no");
        assertThat(response.text()).isEqualTo("""
                : stream of item updates

                event: item_update
                data: {"name":"Plumbus","price":32.99}
                id: 1
                retry: 5000

                event: item_update
                data: {"name":"Portal Gun","price":999.99}
                id: 2
                retry: 5000

                event: item_update
                data: {"name":"Meeseeks Box","price":49.99}
                id: 3
                retry: 5000

                data: line one
                data: line two
                data: line three

                data: "hello"

                """);
    }

    @Test
    void values_of_a_stream_become_json_data_and_events_pass_as_they_are() {
        assertThat(client.get("/items/plain").text()).isEqualTo("""
                data: {"name":"Plumbus","price":32.99}

                data: {"name":"Portal Gun","price":999.99}

                data: {"name":"Meeseeks Box","price":49.99}

                event: done
                data: [DONE]

                """);
    }

    @Test
    void last_event_id_is_a_header_parameter() {
        assertThat(client.get("/items/resume").text()).contains("id: 0").contains("id: 1").contains("id: 2");
        var resumed = client.request("GET", "/items/resume").header("Last-Event-ID", "1").send().text();
        assertThat(resumed).isEqualTo("data: {\"name\":\"Meeseeks Box\",\"price\":49.99}\nid: 2\n\n");
        var asInt = client.request("GET", "/items/resume-int").header("Last-Event-ID", "0").send().text();
        assertThat(asInt).doesNotContain("id: 0").contains("id: 1").contains("id: 2");
    }

    @Test
    void a_last_event_id_that_is_not_a_number_gets_fastapis_422() {
        var response = client.request("GET", "/items/resume-int").header("Last-Event-ID", "abc").send();
        assertThat(response.status()).isEqualTo(422);
        assertThat(response.json()).isEqualTo(Map.of("detail", List.of(Map.of("type", "int_parsing",
                "loc", List.of("header", "last-event-id"),
                "msg", "Input should be a valid integer, unable to parse string as an integer", "input", "abc"))));
    }

    @Test
    void a_silent_stream_gets_keep_alive_comments_from_the_shared_scheduler() throws Exception {
        var request = HttpRequest.newBuilder(client.baseUri().resolve("/quiet")).timeout(WAIT).build();
        var lines = http.send(request, HttpResponse.BodyHandlers.ofLines()).body().iterator();
        assertThat(lines.next()).isEqualTo("data: \"start\"");
        assertThat(lines.next()).isEmpty();
        for (int ping = 0; ping < 2; ping++) {
            assertThat(lines.next()).isEqualTo(": ping");
            assertThat(lines.next()).isEmpty();
        }
        probe.release.countDown();
        String line;
        do {
            line = lines.next();
        } while (line.equals(": ping") || line.isEmpty());
        assertThat(line).isEqualTo("data: \"end\"");
    }

    @Test
    void a_client_that_goes_away_is_found_by_the_keep_alive_and_interrupts_a_waiting_producer() throws Exception {
        var request = HttpRequest.newBuilder(client.baseUri().resolve("/waits-forever")).timeout(WAIT).build();
        var response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (var body = response.body()) {
            assertThat(new String(body.readNBytes(15))).isEqualTo("data: \"start\"\n\n");
        }
        assertThat(probe.interrupted.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(probe.openAfter.get()).isFalse();
        assertThat(probe.producer.get().join(WAIT)).isTrue();
        assertThat(logs.aboveInfo()).isEmpty();
    }

    @Test
    void event_fields_that_would_break_the_format_are_refused() {
        assertThatThrownBy(() -> ServerSentEvent.data(1).withEvent("a\nb")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ServerSentEvent.data(1).withId("1\r")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ServerSentEvent.data(1).withId("a\0")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ServerSentEvent.data(1).withRetry(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ServerSentEvent(1, "raw", null, null, null, null)).isInstanceOf(IllegalArgumentException.class);
    }
}
