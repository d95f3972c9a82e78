package dev.coda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code Coda.run()} in a child JVM, stopped the way a process manager stops it: SIGTERM. */
class CodaRunTest {

    private static final Pattern LISTENING = Pattern.compile("Coda is listening on http://127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path dir;
    private Path log;
    private Process process;

    @AfterEach
    void killTheChild() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private int launch() throws IOException {
        spawn(Map.of());
        return listeningPort();
    }

    /**
     * Starts {@link RunFixture} with {@code args} and {@code environment} added to this one's, its output in a file:
     * {@code Process.destroy()} closes the parent's end of a pipe, and the child's last lines would be lost.
     */
    private void spawn(Map<String, String> environment, String... args) throws IOException {
        var command = new java.util.ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"), RunFixture.class.getName()));
        command.addAll(List.of(args));
        log = Files.createTempFile(dir, "child", ".log");
        var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().remove("CODA_ROLE");
        builder.environment().putAll(environment);
        process = builder.start();
    }

    /** The child's output lines so far. */
    private List<String> output() {
        try {
            return Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void awaitExit() throws InterruptedException {
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exited; output: %s", output()).isTrue();
    }

    private int listeningPort() {
        var port = await("the child listening").atMost(Duration.ofSeconds(60))
                .failFast("the child exited", () -> !process.isAlive())
                .until(() -> output().stream().map(LISTENING::matcher).filter(java.util.regex.Matcher::find)
                        .map(m -> Integer.parseInt(m.group(1))).findFirst(), java.util.Optional::isPresent);
        return port.orElseThrow();
    }


    @Test
    void sigterm_lets_the_request_in_flight_finish_refuses_new_connections_and_exits() throws Exception {
        int port = launch();
        try (var connection = new RawHttp(port)) {
            connection.send("POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10\r\n\r\n12345");
            await().atMost(Duration.ofSeconds(20)).until(() -> output().contains(RunFixture.READING));

            process.destroy(); // SIGTERM
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> RawHttp.refusesConnections(port));
            // Jetty gives open connections a second of idleness once stopping; the rest comes well within it
            var reply = connection.send("67890").read();

            assertThat(reply.status()).isEqualTo(200);
            assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readValue(reply.body(), Map.class))
                    .isEqualTo(Map.of("size", 10));
        }
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exited; output: %s", output()).isTrue();
        assertThat(process.exitValue()).as("exit code; output: %s", output()).isIn(0, 143);
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

    @Test
    void the_worker_role_runs_the_worker_without_http_and_stops_it_before_the_resources_at_sigterm() throws Exception {
        spawn(Map.of(), "--role", "worker");
        await("the worker started").atMost(Duration.ofSeconds(60)).failFast("the child exited", () -> !process.isAlive())
                .until(() -> output().contains("worker started"));
        assertThat(output()).noneMatch(line -> line.contains("Coda is listening"));

        process.destroy(); // SIGTERM
        awaitExit();
        assertThat(process.exitValue()).as("exit code; output: %s", output()).isIn(0, 143);
        assertThat(output()).as("output").containsSubsequence("worker started", "worker stopped", "resources closed");
    }

    @Test
    void the_role_comes_from_coda_role_when_the_arguments_name_none() throws Exception {
        spawn(Map.of("CODA_ROLE", "web"), "--an-option-of-the-app");
        listeningPort();
        process.destroy();
        awaitExit();
        assertThat(output()).as("the web role starts no worker").doesNotContain("worker started").contains("resources closed");
    }

    @Test
    void the_all_role_serves_http_and_runs_the_worker_stopping_it_after_http() throws Exception {
        spawn(Map.of(), "--role=all");
        int port = listeningPort();
        assertThat(output()).contains("worker started");
        process.destroy();
        awaitExit();
        assertThat(process.exitValue()).isIn(0, 143);
        assertThat(output()).as("output").containsSubsequence("worker started", "worker stopped", "resources closed");
        assertThat(RawHttp.refusesConnections(port)).isTrue();
    }

    @Test
    void an_unknown_role_stops_the_process_with_a_clear_error_before_anything_starts() throws Exception {
        spawn(Map.of(), "--role", "wroker");
        awaitExit();
        assertThat(process.exitValue()).as("exit code; output: %s", output()).isNotZero();
        assertThat(output()).anyMatch(line -> line.contains("unknown role 'wroker' (--role): web, worker or all"));
        assertThat(output()).doesNotContain("worker started").noneMatch(line -> line.contains("Coda is listening"));
    }
}
