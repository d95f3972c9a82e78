package dev.coda.durable.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coda.durable.TaskEngine;
import dev.coda.durable.TaskEngine.NewTask;
import dev.coda.durable.TaskEngineException;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis goes away and comes back: calls fail at once as unavailable (callers answer 503), then work again on the same
 * engine. On a Redis of its own (redis-server on a free port, its own folder), never the shared one.
 */
class RedisOutageTest {

    @TempDir
    Path dir;

    private Process server;

    @AfterEach
    void stopServer() throws InterruptedException {
        if (server != null) {
            server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private Process startServer(int port) throws IOException {
        var process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1", "--dir",
                dir.toString(), "--appendonly", "yes", "--appendfsync", "always", "--save", "")
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis-" + port + ".log").toFile()).start();
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .until(() -> Files.readString(dir.resolve("redis-" + port + ".log")).contains("Ready to accept connections"));
        return process;
    }

    @Test
    void callsFailAsUnavailableWhileRedisIsDownAndWorkWhenItIsBackWithNothingLost() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/redis-server")) || Files.isExecutable(Path.of("/usr/local/bin/redis-server")),
                "redis-server is not installed: skipping the outage test");
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        server = startServer(port);
        try (TaskEngine engine = TaskEngine.fromUrl("redis://127.0.0.1:" + port + "?prefix=outage")) {
            var stored = engine.enqueue(List.of(new NewTask("Jobs.x", "[1]", "default", 0, null, null, 3))).get(0);

            server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            long started = System.nanoTime();
            assertThatThrownBy(() -> engine.enqueue(List.of(new NewTask("Jobs.x", "[2]", "default", 0, null, null, 3))))
                    .isInstanceOfSatisfying(TaskEngineException.class, e -> assertThat(e.unavailable()).isTrue());
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("refused without waiting for a timeout")
                    .isLessThan(Duration.ofSeconds(3));

            server = startServer(port);
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> engine.status(stored).isPresent());
            assertThat(engine.enqueue(List.of(new NewTask("Jobs.x", "[3]", "default", 0, null, null, 3)))).hasSize(1);
            assertThat(engine.claim("w", List.of("default"), 10, Duration.ofSeconds(30))).as("the task stored before the outage (AOF always)")
                    .extracting(TaskEngine.ClaimedTask::argumentsJson).contains("[1]");
        }
    }
}
