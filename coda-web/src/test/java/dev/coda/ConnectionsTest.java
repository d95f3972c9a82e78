package dev.coda;

import dev.coda.testsupport.LogCapture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The limits on connections (docs/reliability.md, "Connections"): the request head deadline, the minimum body rate,
 * the connection limit and the accept queue, and a slowloris attack against all of them. Each test injects small
 * limits so that it runs in about a second; clients that trickle bytes are paced by a scheduler, which is the
 * scenario itself, while every outcome is awaited on the socket.
 */
class ConnectionsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration HEAD_TIMEOUT = Duration.ofMillis(500);
    private static final Duration BODY_GRACE = Duration.ofMillis(500);
    private static final long MIN_BODY_RATE = 100;
    private static final String GET = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";

    public static final class Endpoints {
        final AtomicInteger uploads = new AtomicInteger();

        @Get("/")
        public Map<String, String> root() {
            return Map.of("Hello", "World");
        }

        @Post("/upload")
        public Map<String, Integer> upload(byte[] body) {
            uploads.incrementAndGet();
            return Map.of("size", body.length);
        }

        @Post("/form")
        public Map<String, Integer> form(@Form String note) {
            uploads.incrementAndGet();
            return Map.of("size", note.length());
        }
    }

    @RegisterExtension
    final LogCapture logs = new LogCapture("dev.coda");

    private final Endpoints endpoints = new Endpoints();
    private final List<Server> servers = new ArrayList<>();
    private final ScheduledExecutorService pacer = Executors.newScheduledThreadPool(2);

    @AfterEach
    void stopEverything() throws InterruptedException {
        pacer.shutdownNow();
        pacer.awaitTermination(10, TimeUnit.SECONDS);
        servers.forEach(Server::stop);
    }

    private Coda.Builder app() {
        return Coda.app().routes(endpoints).host("127.0.0.1").port(0)
                .requestHeadTimeout(HEAD_TIMEOUT).minRequestBodyRate(MIN_BODY_RATE, BODY_GRACE);
    }

    private Server start(Coda.Builder builder) {
        var server = builder.start();
        servers.add(server);
        return server;
    }

    /** Sends {@code text} one byte every {@code period}, from the pacer, until the connection fails. */
    private void trickle(RawHttp connection, String text, Duration period) {
        var next = new AtomicInteger();
        pacer.scheduleAtFixedRate(() -> {
            int i = next.getAndIncrement();
            try {
                connection.send(String.valueOf(text.charAt(i % text.length())));
            } catch (IOException closed) {
                throw new IllegalStateException("connection closed", closed);   // ends the repetition
            }
        }, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static Object json(String text) throws IOException {
        return JSON.readValue(text, Object.class);
    }

    private static Duration since(long begin) {
        return Duration.ofNanos(System.nanoTime() - begin);
    }

    @Nested
    class RequestHeadDeadline {

        @Test
        void a_head_trickled_a_byte_at_a_time_is_cut_off_at_its_deadline_without_an_answer() throws Exception {
            var server = start(app());
            long begin = System.nanoTime();                 // before connecting: the deadline starts at the accept
            try (var connection = new RawHttp(server.port())) {
                // Each byte comes well within the idle timeout, which alone would keep the connection open forever
                trickle(connection, "GET / HTTP/1.1\r\nX-Slow: " + "a".repeat(4000), Duration.ofMillis(50));

                assertThat(connection.closedByServer()).as("closed, and nothing was answered").isTrue();
                assertThat(since(begin)).isGreaterThanOrEqualTo(HEAD_TIMEOUT).isLessThan(HEAD_TIMEOUT.plusSeconds(5));
            }
        }

        @Test
        void a_connection_that_sends_nothing_is_closed_at_the_head_deadline_not_at_the_idle_timeout() throws Exception {
            var server = start(app().idleTimeout(Duration.ofSeconds(30)));
            long begin = System.nanoTime();                 // before connecting: the deadline starts at the accept
            try (var connection = new RawHttp(server.port())) {

                assertThat(connection.closedByServer()).isTrue();
                assertThat(since(begin)).isGreaterThanOrEqualTo(HEAD_TIMEOUT).isLessThan(HEAD_TIMEOUT.plusSeconds(5));
            }
        }

        @Test
        void a_head_that_comes_in_pieces_within_the_deadline_is_answered() throws Exception {
            var server = start(app().requestHeadTimeout(Duration.ofSeconds(5)));
            try (var connection = new RawHttp(server.port())) {
                trickle(connection, GET, Duration.ofMillis(10));   // the whole head in about 0.4 s

                var reply = connection.read();

                assertThat(reply.status()).isEqualTo(200);
                assertThat(json(reply.body())).isEqualTo(Map.of("Hello", "World"));
            }
        }

        @Test
        void between_requests_the_idle_timeout_applies_and_a_later_head_has_the_deadline_from_its_first_byte()
                throws Exception {
            var server = start(app());
            try (var connection = new RawHttp(server.port())) {
                assertThat(connection.send(GET).read().status()).isEqualTo(200);

                assertThat(connection.silentFor(HEAD_TIMEOUT.multipliedBy(3))).as("an idle keep-alive connection stays").isTrue();
                assertThat(connection.send(GET).read().status()).isEqualTo(200);

                long begin = System.nanoTime();
                trickle(connection, "GET / HTTP/1.1\r\nX-Slow: " + "a".repeat(4000), Duration.ofMillis(50));

                assertThat(connection.closedByServer()).isTrue();
                assertThat(since(begin)).isGreaterThanOrEqualTo(HEAD_TIMEOUT).isLessThan(HEAD_TIMEOUT.plusSeconds(5));
            }
        }
    }

    @Nested
    class MinimumBodyRate {

        private static String uploadHead(int length) {
            return "POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Length: " + length + "\r\n\r\n";
        }

        @Test
        void a_body_trickled_below_the_minimum_rate_is_answered_408_in_json_and_its_connection_closed() throws Exception {
            var server = start(app());
            try (var connection = new RawHttp(server.port())) {
                connection.send(uploadHead(1000));
                trickle(connection, "x", Duration.ofMillis(100));   // 10 bytes per second, a tenth of the minimum

                var reply = connection.read();

                assertThat(reply.status()).isEqualTo(408);
                assertThat(reply.header("content-type")).isEqualTo("application/json");
                assertThat(json(reply.body())).isEqualTo(Map.of("detail", "Request Timeout"));
                assertThat(reply.header("connection")).isEqualToIgnoringCase("close");
                assertThat(connection.closedByServer()).isTrue();
            }
            assertThat(endpoints.uploads).hasValue(0);
        }

        @Test
        void a_multipart_form_trickled_below_the_minimum_rate_is_answered_408_as_well() throws Exception {
            var server = start(app());
            try (var connection = new RawHttp(server.port())) {
                connection.send("POST /form HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                        + "Content-Length: 1000\r\n\r\n--b\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\n");
                trickle(connection, "x", Duration.ofMillis(100));   // 10 bytes per second, a tenth of the minimum

                var reply = connection.read();

                assertThat(reply.status()).isEqualTo(408);
                assertThat(json(reply.body())).isEqualTo(Map.of("detail", "Request Timeout"));
                assertThat(connection.closedByServer()).isTrue();
            }
            assertThat(endpoints.uploads).hasValue(0);
        }

        @Test
        void a_body_that_never_comes_is_answered_408_once_the_grace_is_over() throws Exception {
            var server = start(app().idleTimeout(Duration.ofSeconds(30)));
            long begin = System.nanoTime();                 // before connecting: the deadline starts at the accept
            try (var connection = new RawHttp(server.port())) {

                var reply = connection.send(uploadHead(10)).read();

                assertThat(reply.status()).isEqualTo(408);
                assertThat(since(begin)).isGreaterThanOrEqualTo(BODY_GRACE).isLessThan(BODY_GRACE.plusSeconds(5));
            }
            assertThat(endpoints.uploads).hasValue(0);
        }

        @Test
        void a_body_silent_past_an_idle_timeout_shorter_than_the_grace_is_answered_408_too() throws Exception {
            var server = start(app().idleTimeout(Duration.ofMillis(200)).minRequestBodyRate(MIN_BODY_RATE, Duration.ofSeconds(30)));
            try (var connection = new RawHttp(server.port())) {
                var reply = connection.send(uploadHead(10) + "12345").read();

                assertThat(reply.status()).isEqualTo(408);
                assertThat(json(reply.body())).isEqualTo(Map.of("detail", "Request Timeout"));
            }
            assertThat(endpoints.uploads).hasValue(0);
        }

        @Test
        void a_slow_body_that_keeps_the_minimum_rate_is_read_to_its_end_long_past_the_grace() throws Exception {
            var server = start(app());
            var body = "y".repeat(30);
            try (var connection = new RawHttp(server.port())) {
                connection.send(uploadHead(body.length() * 20));
                long begin = System.nanoTime();
                // 30 bytes every 100 ms: 300 bytes per second, three times the minimum, for 2 s
                var sent = new AtomicInteger();
                pacer.scheduleAtFixedRate(() -> {
                    if (sent.getAndIncrement() < 20) {
                        try {
                            connection.send(body);
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }, 0, 100, TimeUnit.MILLISECONDS);

                var reply = connection.read();

                assertThat(reply.status()).isEqualTo(200);
                assertThat(json(reply.body())).isEqualTo(Map.of("size", 600));
                assertThat(since(begin)).isGreaterThan(BODY_GRACE.multipliedBy(3));
            }
        }
    }

    @Nested
    class ConnectionLimit {

        @Test
        void at_the_limit_a_new_client_waits_in_the_accept_queue_and_is_served_once_a_connection_closes() throws Exception {
            var server = start(app().maxConnections(2).requestHeadTimeout(Duration.ofSeconds(30)));
            try (var first = new RawHttp(server.port()); var second = new RawHttp(server.port())) {
                assertThat(first.send(GET).read().status()).isEqualTo(200);
                assertThat(second.send(GET).read().status()).isEqualTo(200);
                try (var third = new RawHttp(server.port())) {      // the kernel completes the connection and queues it
                    third.send(GET);

                    assertThat(third.silentFor(Duration.ofMillis(500))).as("not accepted while at the limit").isTrue();
                    first.close();
                    var reply = third.read();

                    assertThat(reply.status()).isEqualTo(200);
                    assertThat(json(reply.body())).isEqualTo(Map.of("Hello", "World"));
                }
            }
        }

        @Test
        void a_server_at_its_limit_stops_promptly_and_refuses_new_connections() throws Exception {
            var server = start(app().maxConnections(1));
            int port = server.port();
            try (var held = new RawHttp(port); var queued = new RawHttp(port)) {
                assertThat(held.send(GET).read().status()).isEqualTo(200);
                queued.send(GET);

                long begin = System.nanoTime();
                server.stop();

                assertThat(since(begin)).isLessThan(Duration.ofSeconds(10));
                assertThat(held.closedByServer()).isTrue();
                assertThat(queued.closedByServer()).as("never accepted, reset with the listening socket").isTrue();
                assertThatThrownBy(() -> new RawHttp(port).close()).isInstanceOf(ConnectException.class);
            }
        }

        @Test
        void reaching_the_limit_again_and_again_logs_one_warning_not_one_per_connection() throws Exception {
            var server = start(app().maxConnections(1).acceptQueueSize(64));
            for (int i = 0; i < 5; i++) {
                // each connection alone reaches the limit; closing it clears it
                try (var connection = new RawHttp(server.port())) {
                    assertThat(connection.send(GET).read().status()).isEqualTo(200);
                }
            }

            assertThat(logs.of("dev.coda", Level.WARN, "limit of 1 connections")).hasSize(1);
            assertThat(logs.of("dev.coda", Level.WARN, "limit of 1 connections").getFirst().getFormattedMessage())
                    .contains("wait in the accept queue (at most 64)");
        }

        @Test
        void the_accept_queue_size_is_the_listen_backlog_past_which_new_connections_do_not_complete() throws Exception {
            assumeThat(System.getProperty("os.name")).as("the backlog's arithmetic is Linux's").startsWith("Linux");
            int queue = 2;
            var server = start(app().maxConnections(1).acceptQueueSize(queue).requestHeadTimeout(Duration.ofSeconds(30)));
            var waiting = new ArrayList<Socket>();
            try (var held = new RawHttp(server.port())) {
                assertThat(held.send(GET).read().status()).isEqualTo(200);   // at its limit, the server accepts no more

                int connected = 0;
                for (int i = 0; i < queue + 3; i++) {
                    var socket = new Socket();
                    waiting.add(socket);
                    try {
                        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 500);
                        connected++;
                    } catch (SocketTimeoutException dropped) {
                        // the kernel ignored the connection attempt: the queue is full
                    }
                }

                // Linux queues one more than the backlog; with the default of 2048 all five would connect
                assertThat(connected).isEqualTo(queue + 1);
            } finally {
                for (var socket : waiting) {
                    socket.close();
                }
            }
        }
    }

    @Nested
    class Slowloris {

        private static final int LIMIT = 16;
        private static final int ATTACKERS = 4 * LIMIT;

        /** A client that opens a connection, trickles a head that never ends, and opens another once it is closed. */
        private final class Attacker implements Runnable {
            private static final byte[] HEAD = ("GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + "a".repeat(8000))
                    .getBytes(StandardCharsets.ISO_8859_1);
            private final int port;
            private final AtomicInteger cut;
            private Socket socket;
            private OutputStream out;
            private int sent;

            Attacker(int port, AtomicInteger cut) {
                this.port = port;
                this.cut = cut;
            }

            @Override
            public void run() {
                try {
                    if (socket == null) {
                        socket = new Socket();
                        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                        out = socket.getOutputStream();
                        sent = 0;
                    }
                    out.write(HEAD[sent++ % HEAD.length]);
                    out.flush();
                } catch (IOException closedByServer) {
                    cut.incrementAndGet();
                    try {
                        socket.close();
                    } catch (IOException ignored) {
                        // closing a broken socket
                    }
                    socket = null;
                }
            }
        }

        @Test
        void while_four_times_the_connection_limit_trickle_heads_other_clients_are_still_served_in_bounded_time()
                throws Exception {
            var server = start(app().maxConnections(LIMIT));
            var cut = new AtomicInteger();
            for (int i = 0; i < ATTACKERS; i++) {
                pacer.scheduleAtFixedRate(new Attacker(server.port(), cut), i, 100, TimeUnit.MILLISECONDS);
            }
            // Once connections are being cut, the server is at its limit and the accept queue holds the other attackers
            await().atMost(Duration.ofSeconds(20)).until(() -> cut.get() >= LIMIT);

            // A new client waits behind at most ATTACKERS - LIMIT attackers, and LIMIT of them leave per head deadline
            var bound = HEAD_TIMEOUT.multipliedBy(2 * (ATTACKERS / LIMIT + 1));
            var latencies = new ArrayList<Duration>();
            for (int i = 0; i < 3; i++) {
                long begin = System.nanoTime();
                try (var client = new RawHttp(server.port())) {
                    var reply = client.send(GET).read();

                    assertThat(reply.status()).isEqualTo(200);
                    assertThat(json(reply.body())).isEqualTo(Map.of("Hello", "World"));
                }
                latencies.add(since(begin));
            }

            assertThat(latencies).as("latencies, bound %s", bound).allSatisfy(latency -> assertThat(latency).isLessThan(bound));
            // and the attackers keep being cut off, each of them again and again
            await().atMost(Duration.ofSeconds(20)).until(() -> cut.get() >= 2 * ATTACKERS);
        }
    }
}
