package dev.coda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code Coda.run()} in a child JVM, stopped the way a process manager stops it: SIGTERM. */
class CodaRunTest {

    private static final Pattern LISTENING = Pattern.compile("Coda is listening on http://127\\.0\\.0\\.1:(\\d+)");

    private final List<String> output = new CopyOnWriteArrayList<>();
    private Process process;

    @AfterEach
    void killTheChild() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private int launch() throws IOException {
        process = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"), RunFixture.class.getName())
                .redirectErrorStream(true)
                .start();
        Thread.ofVirtual().start(() -> {
            try (var lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (var line = lines.readLine(); line != null; line = lines.readLine()) {
                    output.add(line);
                }
            } catch (IOException closed) {
                // the child is gone
            }
        });
        var port = await("the child listening").atMost(Duration.ofSeconds(60))
                .failFast("the child exited", () -> !process.isAlive())
                .until(() -> output.stream().map(LISTENING::matcher).filter(java.util.regex.Matcher::find)
                        .map(m -> Integer.parseInt(m.group(1))).findFirst(), java.util.Optional::isPresent);
        return port.orElseThrow();
    }


    @Test
    void sigterm_lets_the_request_in_flight_finish_refuses_new_connections_and_exits() throws Exception {
        int port = launch();
        try (var connection = new RawHttp(port)) {
            connection.send("POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10\r\n\r\n12345");
            await().atMost(Duration.ofSeconds(20)).until(() -> output.contains(RunFixture.READING));

            process.destroy(); // SIGTERM
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> RawHttp.refusesConnections(port));
            // Jetty gives open connections a second of idleness once stopping; the rest comes well within it
            var reply = connection.send("67890").read();

            assertThat(reply.status()).isEqualTo(200);
            assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readValue(reply.body(), Map.class))
                    .isEqualTo(Map.of("size", 10));
        }
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exited; output: %s", output).isTrue();
        assertThat(process.exitValue()).as("exit code; output: %s", output).isIn(0, 143);
    }

    @Test
    void sigterm_on_an_idle_server_exits_promptly() throws Exception {
        int port = launch();
        try (var connection = new RawHttp(port)) {
            assertThat(connection.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n").read().status()).isEqualTo(200);

            long begin = System.nanoTime();
            process.destroy();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            var elapsed = Duration.ofNanos(System.nanoTime() - begin);

            assertThat(process.exitValue()).isIn(0, 143);
            // far below the 20 s shutdown timeout: an idle keep-alive connection does not hold the stop
            assertThat(elapsed).isLessThan(Duration.ofSeconds(10));
            assertThat(RawHttp.refusesConnections(port)).isTrue();
        }
    }
}
