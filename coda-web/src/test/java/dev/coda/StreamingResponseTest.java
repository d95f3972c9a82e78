package dev.coda;

import dev.coda.testsupport.LogCapture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.coda.tasks.BackgroundTasks;
import dev.coda.testing.TestClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Streamed responses over a real connection: chunks reach the client as they are flushed, a slow client holds the
 * producer back, tasks wait for the last chunk, a client that leaves stops the producer, and a producer that fails
 * cuts the response short. Timing is ordered with latches on both sides, never with sleeps.
 */
class StreamingResponseTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    record Reading(String sensor, Optional<Double> value, LocalDate day) {
    }

    /** What the routes saw, for the tests to wait on. */
    static final class Probe {
        final CountDownLatch clientReadFirst = new CountDownLatch(1);
        final CountDownLatch producerStopped = new CountDownLatch(1);
        final CountDownLatch closed = new CountDownLatch(1);
        final CountDownLatch taskRan = new CountDownLatch(1);
        final List<String> order = new CopyOnWriteArrayList<>();
        final AtomicReference<Throwable> producerFailure = new AtomicReference<>();
        final AtomicReference<Thread> producer = new AtomicReference<>();
        final AtomicLong written = new AtomicLong();
        final AtomicBoolean inputClosed = new AtomicBoolean();

        void task() {
            order.add("task");
            taskRan.countDown();
        }
    }

    public static final class Routes {
        final Probe probe;

        Routes(Probe probe) {
            this.probe = probe;
        }

        @Get("/two-parts")
        public Response twoParts(BackgroundTasks tasks) {
            tasks.addTask(probe::task);
            return Response.stream("text/plain; charset=utf-8", out -> {
                out.write("first\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                assertThat(probe.clientReadFirst.await(10, TimeUnit.SECONDS)).isTrue();
                probe.order.add("before-last");
                out.write("last\n".getBytes(StandardCharsets.UTF_8));
                probe.order.add("producer-returned");
            });
        }

        @Get("/input")
        public Response input() {
            return Response.stream("application/octet-stream", tracked(new ByteArrayInputStream("from an input stream".getBytes(StandardCharsets.UTF_8))));
        }

        InputStream tracked(InputStream in) {
            return new java.io.FilterInputStream(in) {
                @Override
                public void close() throws IOException {
                    probe.inputClosed.set(true);
                    super.close();
                }
            };
        }

        @Get("/chunks")
        public Response chunks() {
            return Response.stream("text/plain; charset=utf-8",
                    Stream.of("a", "b".getBytes(StandardCharsets.UTF_8), "ç\n").onClose(probe.closed::countDown));
        }

        @Get("/iterator")
        public Response iterator() {
            return Response.stream("text/plain; charset=utf-8", List.of("x", "y", "z").iterator());
        }

        @Get("/bad-chunk")
        public Response badChunk() {
            return Response.stream("text/plain", Stream.<Object>of(42));
        }

        @Get("/readings")
        public Response readings() {
            return Response.jsonLines(Stream.of(new Reading("t1", Optional.of(21.5), LocalDate.of(2025, 1, 2)),
                    new Reading("t2", Optional.empty(), LocalDate.of(2025, 1, 3))).onClose(probe.closed::countDown));
        }

        @Get("/endless")
        public Response endless(BackgroundTasks tasks) {
            tasks.addTask(probe::task);
            var chunk = "x".repeat(1023) + "\n";
            return Response.stream("text/plain", Stream.generate(() -> {
                probe.producer.set(Thread.currentThread());
                probe.written.addAndGet(chunk.length());
                return chunk;
            }).onClose(probe.closed::countDown));
        }

        @Get("/big")
        public Response big() {
            var chunk = new byte[64 * 1024];
            return Response.stream("application/octet-stream", out -> {
                probe.producer.set(Thread.currentThread());
                for (int i = 0; i < BIG_CHUNKS; i++) {
                    out.write(chunk);
                    probe.written.addAndGet(chunk.length);
                }
            });
        }

        @Get("/fails-midway")
        public Response failsMidway() {
            return Response.stream("text/plain", out -> {
                out.write("partial\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                throw new IllegalStateException("the producer broke");
            });
        }
    }

    static final int BIG_CHUNKS = 4096;    // 256 MB

    @RegisterExtension
    final LogCapture logs = LogCapture.everything();

    private final Probe probe = new Probe();
    private TestClient client;
    private HttpClient http;

    @BeforeEach
    void start() {
        client = TestClient.overNetwork(Coda.app().routes(new Routes(probe)).build(), TestClient.TaskMode.HOLD);
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterEach
    void stop() {
        http.close();
        client.close();
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(client.baseUri().resolve(path)).timeout(WAIT).build();
    }

    @Test
    void each_flush_reaches_the_client_and_the_tasks_start_only_after_the_last_chunk() throws Exception {
        client.close();
        client = TestClient.overNetwork(Coda.app().routes(new Routes(probe)).build());     // tasks run as on a server
        var response = http.send(get("/two-parts"), HttpResponse.BodyHandlers.ofLines());

        assertThat(response.headers().firstValue("transfer-encoding")).hasValue("chunked");
        assertThat(response.headers().firstValue("content-length")).isEmpty();
        var lines = response.body().iterator();
        assertThat(lines.next()).isEqualTo("first");            // arrives while the producer still waits
        assertThat(probe.taskRan.getCount()).isEqualTo(1);
        probe.clientReadFirst.countDown();
        assertThat(lines.next()).isEqualTo("last");
        assertThat(lines.hasNext()).isFalse();
        assertThat(probe.taskRan.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(probe.order).containsExactly("before-last", "producer-returned", "task");
    }

    @Test
    void an_input_stream_is_sent_and_closed() throws Exception {
        var response = client.get("/input");
        assertThat(response.text()).isEqualTo("from an input stream");
        assertThat(response.header("content-type")).hasValue("application/octet-stream");
        assertThat(probe.inputClosed).isTrue();
    }

    @Test
    void a_head_request_closes_the_input_without_reading_it() {
        var response = client.head("/input");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("content-length")).isEmpty();
        assertThat(probe.inputClosed).isTrue();
    }

    @Test
    void chunks_of_text_and_bytes_are_sent_in_order_and_the_stream_is_closed() throws Exception {
        var response = client.get("/chunks");
        assertThat(response.text()).isEqualTo("abç\n");
        assertThat(probe.closed.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(client.get("/iterator").text()).isEqualTo("xyz");
    }

    @Test
    void a_chunk_that_is_not_bytes_or_text_before_anything_was_sent_is_a_500_logged_once() {
        var response = client.get("/bad-chunk");
        assertThat(response.status()).isEqualTo(500);
        assertThat(response.json()).isEqualTo(java.util.Map.of("detail", "Internal Server Error"));
        assertThat(logs.at(Level.ERROR)).hasSize(1);
        assertThat(logs.at(Level.WARN)).isEmpty();
    }

    @Test
    void json_lines_are_written_with_the_apps_mapper_one_document_a_line() throws Exception {
        var response = client.get("/readings");
        assertThat(response.header("content-type")).hasValue("application/jsonl");
        assertThat(response.text()).isEqualTo("""
                {"sensor":"t1","value":21.5,"day":"2025-01-02"}
                {"sensor":"t2","value":null,"day":"2025-01-03"}
                """);
        assertThat(probe.closed.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void a_client_that_disconnects_stops_the_producer_closes_the_stream_and_the_tasks_still_run() throws Exception {
        client.close();
        client = TestClient.overNetwork(Coda.app().routes(new Routes(probe)).build());
        var response = http.send(get("/endless"), HttpResponse.BodyHandlers.ofInputStream());
        try (var body = response.body()) {
            assertThat(body.readNBytes(10_000)).hasSize(10_000);
        }                                                         // closing the body mid-stream drops the connection
        assertThat(probe.closed.await(10, TimeUnit.SECONDS)).isTrue();
        var producer = probe.producer.get();
        assertThat(producer.join(WAIT)).isTrue();                // the request's thread ended: nothing left behind
        long stoppedAt = probe.written.get();
        assertThat(probe.taskRan.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(probe.written.get()).isEqualTo(stoppedAt);
        assertThat(logs.at(Level.ERROR)).isEmpty();
        assertThat(logs.at(Level.WARN)).isEmpty();
    }

    @Test
    void a_client_that_does_not_read_holds_the_producer_back_with_a_bounded_amount_in_flight() throws Exception {
        try (var socket = new Socket()) {
            socket.setReceiveBufferSize(16 * 1024);
            socket.connect(new InetSocketAddress(client.baseUri().getHost(), client.baseUri().getPort()));
            socket.getOutputStream().write("GET /big HTTP/1.1\r\nHost: test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            var lastSeen = new AtomicLong(-1);
            await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
                var thread = probe.producer.get();
                long now = probe.written.get();
                boolean still = thread != null && thread.getState() == Thread.State.WAITING && now == lastSeen.get();
                lastSeen.set(now);
                return still;
            });
            long total = (long) BIG_CHUNKS * 64 * 1024;
            assertThat(lastSeen.get()).isLessThan(16L * 1024 * 1024).isLessThan(total);   // kernel buffers, one chunk
            var in = socket.getInputStream();
            var buffer = new byte[1 << 16];
            long read = 0;
            socket.setSoTimeout((int) WAIT.toMillis());
            for (int n; read < total && (n = in.read(buffer)) > 0; ) {
                read += n;
            }
            assertThat(read).isGreaterThan(total);                        // headers and chunk sizes too
            assertThat(probe.written.get()).isEqualTo(total);
        }
    }

    @Test
    void a_producer_that_fails_after_the_headers_cuts_the_response_short_and_is_logged_once() throws Exception {
        try (var socket = new Socket(client.baseUri().getHost(), client.baseUri().getPort())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            socket.getOutputStream().write("GET /fails-midway HTTP/1.1\r\nHost: test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            var raw = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);   // until the server closes
            assertThat(raw).startsWith("HTTP/1.1 200 OK").contains("Transfer-Encoding: chunked").contains("partial\n");
            assertThat(raw).doesNotEndWith("0\r\n\r\n");              // no last chunk: the client knows it is truncated
        }
        await().atMost(WAIT).until(() -> !logs.at(Level.ERROR).isEmpty());
        assertThat(logs.at(Level.ERROR)).singleElement().satisfies(e -> {
            assertThat(e.getFormattedMessage()).contains("GET /fails-midway").contains("cut");
            assertThat(e.getThrowableProxy().getMessage()).isEqualTo("the producer broke");
        });
        assertThat(logs.at(Level.WARN)).isEmpty();
    }

    @Test
    void a_buffered_answer_is_unchanged() {
        var response = client.get("/nowhere");
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.header("content-length")).hasValue(String.valueOf(response.bytes().length));
        assertThat(response.header("transfer-encoding")).isEmpty();
    }
}
