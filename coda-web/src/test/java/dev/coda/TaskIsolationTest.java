package dev.coda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.coda.tasks.BackgroundTasks;
import dev.coda.tasks.TaskHandle;
import dev.coda.tasks.TaskState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's promise, "a task never delays a request", holds whatever the tasks do: tasks blocked in file
 * I/O or busy on the CPU hold none of the threads that serve requests, and routes without tasks keep
 * answering within a small multiple of their normal latency; nothing is lost once the tasks resume.
 */
class TaskIsolationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    /** More task slots than the virtual-thread scheduler has carriers (one per core). */
    private static final int SLOTS = 8;
    private static final int BYTES_PER_TASK = 100_000;    // more than a pipe holds: every writer blocks
    private static final int PINGS = 300;

    private final List<Server> servers = new ArrayList<>();
    private final AtomicBoolean stopSpinning = new AtomicBoolean();

    @AfterEach
    void stop() {
        stopSpinning.set(true);
        servers.forEach(Server::stop);
    }

    final class Routes {
        final Path fifo;
        final List<TaskHandle> handles = new CopyOnWriteArrayList<>();

        Routes(Path fifo) {
            this.fifo = fifo;
        }

        @Get("/ping")
        public Map<String, String> ping() {
            return Map.of("pong", "yes");
        }

        @Post("/write")
        public Map<String, String> write(BackgroundTasks tasks) {
            handles.add(tasks.addTask(TaskIsolationTest::writeTo, fifo));
            return Map.of("message", "queued");
        }

        @Post("/spin")
        public Map<String, String> spin(BackgroundTasks tasks) {
            handles.add(tasks.addTask(TaskIsolationTest::spinUntil, stopSpinning));
            return Map.of("message", "queued");
        }
    }

    static void writeTo(Path fifo) throws IOException {
        Files.write(fifo, new byte[BYTES_PER_TASK], StandardOpenOption.APPEND);
    }

    static long spinUntil(AtomicBoolean stop) {
        long x = 0;
        while (!stop.get()) {
            for (int i = 0; i < 10_000; i++) {
                x = x * 31 + i;
            }
        }
        return x;
    }

    private Server start(Routes routes, SimpleMeterRegistry registry) {
        var server = Coda.app().routes(routes).host("127.0.0.1").port(0).shutdownTimeout(Duration.ofSeconds(5))
                .backgroundTasks(b -> b.maxConcurrency(SLOTS).meterRegistry(registry).shutdownTimeout(Duration.ofSeconds(5)))
                .start();
        servers.add(server);
        return server;
    }

    @Test
    void withEveryTaskSlotBlockedWritingToAStalledFileRoutesWithoutTasksAnswerAtTheirNormalLatencyAndNoTaskIsLost(@TempDir Path dir)
            throws Exception {
        var fifo = dir.resolve("log.fifo");
        assumeTrue(mkfifo(fifo), "mkfifo is not available on this system");
        // Open for reading and writing, so that opening it never blocks; nobody reads until the end.
        try (var reader = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            var routes = new Routes(fifo);
            var registry = new SimpleMeterRegistry();
            var server = start(routes, registry);
            try (var connection = new RawHttp(server.port())) {
                var normal = pingLatencies(connection);
                int tasks = 2 * SLOTS;                                  // every slot taken, and as many queued behind
                for (int i = 0; i < tasks; i++) {
                    assertThat(connection.send(post("/write")).read().status()).isEqualTo(200);
                }
                await().atMost(WAIT).until(() -> registry.get("coda.tasks.running").gauge().value() == SLOTS);

                var stalled = pingLatencies(connection);

                assertThat(registry.get("coda.tasks.running").gauge().value()).as("every slot still blocked").isEqualTo(SLOTS);
                assertWithinASmallMultiple(stalled, normal);

                long read = drain(reader, (long) tasks * BYTES_PER_TASK);
                assertThat(read).isEqualTo((long) tasks * BYTES_PER_TASK);
                await().atMost(WAIT).until(() -> routes.handles.stream().allMatch(h -> h.state() == TaskState.SUCCEEDED));
                assertThat(routes.handles).hasSize(tasks);
            }
        }
    }

    @Test
    void withEveryTaskSlotBusyOnTheCpuRoutesWithoutTasksAnswerAtTheirNormalLatencyAndNoTaskIsLost() throws Exception {
        var routes = new Routes(null);
        var registry = new SimpleMeterRegistry();
        var server = start(routes, registry);
        try (var connection = new RawHttp(server.port())) {
            var normal = pingLatencies(connection);
            int spinners = SLOTS;                                     // every slot busy
            for (int i = 0; i < spinners; i++) {
                assertThat(connection.send(post("/spin")).read().status()).isEqualTo(200);
            }
            await().atMost(WAIT).until(() -> registry.get("coda.tasks.running").gauge().value() == spinners);

            var busy = pingLatencies(connection);

            assertThat(registry.get("coda.tasks.running").gauge().value()).as("every task still spinning").isEqualTo(spinners);
            assertWithinASmallMultiple(busy, normal);
            stopSpinning.set(true);
            await().atMost(WAIT).until(() -> routes.handles.stream().allMatch(h -> h.state() == TaskState.SUCCEEDED));
            assertThat(routes.handles).hasSize(spinners);
        }
    }

    /** The latency of each of {@link #PINGS} sequential requests, in nanoseconds, after as many to warm up. */
    private static long[] pingLatencies(RawHttp connection) throws IOException {
        var latencies = new long[PINGS];
        for (int i = -PINGS; i < PINGS; i++) {
            long start = System.nanoTime();
            var reply = connection.send("GET /ping HTTP/1.1\r\nHost: test\r\n\r\n").read();
            long took = System.nanoTime() - start;
            assertThat(reply.status()).isEqualTo(200);
            if (i >= 0) {
                latencies[i] = took;
            }
        }
        return latencies;
    }

    /**
     * p99 within four times the normal p99, with 10 ms of slack for a noisy machine's scheduling: tasks that took
     * the request threads would make requests wait for the tasks, seconds here, or forever; busy tasks at the
     * request threads' priority would make each step of a request wait for a time slice, tens of milliseconds.
     */
    private static void assertWithinASmallMultiple(long[] loaded, long[] normal) {
        long loadedP99 = p99(loaded);
        long normalP99 = p99(normal);
        assertThat(loadedP99).as("p99 %.2f ms under task load against %.2f ms without", loadedP99 / 1e6, normalP99 / 1e6)
                .isLessThanOrEqualTo(4 * normalP99 + Duration.ofMillis(10).toNanos());
    }

    private static long p99(long[] latencies) {
        var sorted = latencies.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.ceil(sorted.length * 0.99) - 1];
    }

    private static long drain(FileChannel reader, long expected) throws IOException {
        var buffer = ByteBuffer.allocate(1 << 16);
        long read = 0;
        while (read < expected) {
            buffer.clear();
            int n = reader.read(buffer);
            if (n < 0) {
                break;
            }
            read += n;
        }
        return read;
    }

    private static boolean mkfifo(Path path) throws InterruptedException {
        try {
            return new ProcessBuilder("mkfifo", path.toString()).inheritIO().start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static String post(String path) {
        return "POST " + path + " HTTP/1.1\r\nHost: test\r\nContent-Length: 0\r\n\r\n";
    }
}
