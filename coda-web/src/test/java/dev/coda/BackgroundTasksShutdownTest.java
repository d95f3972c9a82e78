package dev.coda;

import dev.coda.testsupport.LogCapture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.coda.tasks.BackgroundTasks;
import dev.coda.tasks.TaskHandle;
import dev.coda.tasks.TaskState;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Stopping a server with background tasks: {@code Server.stop()} stops Jetty gracefully, then drains the
 * tasks within the runtime's shutdown timeout; what is left then is cancelled and logged by name.
 * {@code Coda.run()} does the same on SIGTERM.
 */
class BackgroundTasksShutdownTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    final LogCapture logs = new LogCapture("dev.coda");

    private final Notifications notifications = new Notifications();
    private final CountDownLatch handlerRelease = new CountDownLatch(1);
    private Process child;

    @AfterEach
    void releaseEverything() throws InterruptedException {
        notifications.release.countDown();
        notifications.delivery.complete(null);
        handlerRelease.countDown();
        if (child != null && child.isAlive()) {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }


    private static String post(String path) {
        return "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    }

    final class Jobs {
        final Map<String, TaskHandle> handles = new ConcurrentHashMap<>();
        final CountDownLatch handlerEntered = new CountDownLatch(1);

        @Post("/jobs/{name}")
        public Map<String, String> job(String name, BackgroundTasks tasks) {
            handles.put(name, tasks.addTask(notifications::sendWhenReleased, name));
            return Map.of("accepted", name);
        }

        @Post("/stubborn/{name}")
        public Map<String, String> stubborn(String name, BackgroundTasks tasks) {
            handles.put(name, tasks.addTask(notifications::sendStubbornly, name));
            handles.put(name + " (next)", tasks.addTask(notifications::send, name, "never sent"));
            return Map.of("accepted", name);
        }

        @Post("/in-flight/{name}")
        public Map<String, String> inFlight(String name, BackgroundTasks tasks) throws InterruptedException {
            handles.put(name, tasks.addTask(notifications::send, name, "sent after the stop began"));
            handlerEntered.countDown();
            if (!handlerRelease.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
            return Map.of("accepted", name);
        }
    }

    @Test
    void stopWaitsForARunningTaskAfterJettyHasStoppedAndReturnsOnceItFinishes() throws Exception {
        var routes = new Jobs();
        var server = Coda.app().routes(routes).host("127.0.0.1").port(0).start();
        try (var connection = new RawHttp(server.port())) {
            assertThat(connection.send(post("/jobs/report")).read().status()).isEqualTo(200);
        }
        var task = routes.handles.get("report");
        await().atMost(WAIT).until(() -> task.state() == TaskState.RUNNING);

        try (var thread = Executors.newVirtualThreadPerTaskExecutor()) {
            var stopping = CompletableFuture.runAsync(server::stop, thread);
            await().atMost(WAIT).until(() -> RawHttp.refusesConnections(server.port()));
            assertThat(stopping).as("Jetty has stopped; stop() waits for the task").isNotDone();
            assertThat(task.state()).isEqualTo(TaskState.RUNNING);

            notifications.release.countDown();

            assertThat(stopping).succeedsWithin(WAIT);
        }
        assertThat(task.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(notifications.sent).containsExactly("report");
        assertThat(logs.of("dev.coda.tasks", Level.ERROR)).isEmpty();
    }

    @Test
    void pastTheShutdownTimeoutStopReturnsAndTheUnfinishedTasksAreCancelledAndLoggedByNameAsAbandoned() throws Exception {
        var routes = new Jobs();
        var deadline = Duration.ofMillis(500);
        var server = Coda.app().routes(routes).host("127.0.0.1").port(0)
                .backgroundTasks(b -> b.shutdownTimeout(deadline)).start();
        try (var connection = new RawHttp(server.port())) {
            assertThat(connection.send(post("/stubborn/report")).read().status()).isEqualTo(200);
        }
        var stuck = routes.handles.get("report");
        var next = routes.handles.get("report (next)");
        await().atMost(WAIT).until(() -> stuck.state() == TaskState.RUNNING);

        long begin = System.nanoTime();
        server.stop();
        var elapsed = Duration.ofNanos(System.nanoTime() - begin);

        assertThat(elapsed).isGreaterThanOrEqualTo(deadline).isLessThan(deadline.plusSeconds(5));
        assertThat(stuck.state()).isEqualTo(TaskState.CANCELLED);
        assertThat(stuck.failure()).get().isInstanceOf(CancellationException.class);
        assertThat(next.state()).isEqualTo(TaskState.CANCELLED);
        assertThat(logs.of("dev.coda.tasks", Level.ERROR, "abandoned", "Notifications.sendStubbornly", "Notifications.send ",
                "POST /stubborn/{name}")).hasSize(1);

        notifications.delivery.complete(null);
        await().atMost(WAIT).until(() -> notifications.sent.contains("report"));
        assertThat(stuck.state()).as("an abandoned task stays cancelled when it finally returns").isEqualTo(TaskState.CANCELLED);
        assertThat(notifications.sent).containsExactly("report");
    }

    @Test
    void theTasksOfARequestStillInFlightWhenTheStopBeginsRunBeforeStopReturns() throws Exception {
        var routes = new Jobs();
        var server = Coda.app().routes(routes).host("127.0.0.1").port(0).start();
        try (var connection = new RawHttp(server.port()); var thread = Executors.newVirtualThreadPerTaskExecutor()) {
            connection.send(post("/in-flight/last"));
            assertThat(routes.handlerEntered.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

            var stopping = CompletableFuture.runAsync(server::stop, thread);
            await().atMost(WAIT).until(() -> RawHttp.refusesConnections(server.port()));
            handlerRelease.countDown();

            assertThat(connection.read().status()).isEqualTo(200);
            assertThat(stopping).succeedsWithin(WAIT);
        }
        assertThat(routes.handles.get("last").state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(notifications.sent).containsExactly("last: sent after the stop began");
    }

    // ---------------------------------------------------------------- Coda.run() and SIGTERM

    private static final Pattern LISTENING = Pattern.compile("Coda is listening on http://127\\.0\\.0\\.1:(\\d+)");

    @Test
    void onSigtermRunStopsTakingRequestsThenWaitsForTheRunningTaskBeforeTheProcessExits() throws Exception {
        var output = new CopyOnWriteArrayList<String>();
        try (var parent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            child = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                    "-cp", System.getProperty("java.class.path"), TaskRunFixture.class.getName(),
                    String.valueOf(parent.getLocalPort()))
                    .redirectErrorStream(true)
                    .start();
            var reader = Thread.ofVirtual().start(() -> {
                try (var lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                    for (var line = lines.readLine(); line != null; line = lines.readLine()) {
                        output.add(line);
                    }
                } catch (IOException closed) {
                    // the child is gone
                }
            });
            int port = await("the child listening").atMost(Duration.ofSeconds(60))
                    .failFast("the child exited", () -> !child.isAlive())
                    .until(() -> output.stream().map(LISTENING::matcher).filter(java.util.regex.Matcher::find)
                            .map(m -> Integer.parseInt(m.group(1))).findFirst(), java.util.Optional::isPresent)
                    .orElseThrow();
            try (var connection = new RawHttp(port)) {
                assertThat(connection.send(post("/jobs/nightly")).read().status()).isEqualTo(200);
            }
            parent.setSoTimeout((int) WAIT.toMillis());
            try (var task = parent.accept()) {
                await().atMost(WAIT).until(() -> output.contains(TaskRunFixture.TASK_STARTED + ": nightly"));

                child.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our ends of its stdin and stdout
                await().atMost(WAIT).until(() -> RawHttp.refusesConnections(port));
                assertThat(child.isAlive()).as("waiting for its task; output: %s", output).isTrue();
                task.getOutputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
                task.getOutputStream().flush();

                assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("exited; output: %s", output).isTrue();
            }
            assertThat(reader.join(WAIT)).as("read the whole output").isTrue();
        }
        assertThat(child.exitValue()).as("exit code; output: %s", output).isIn(0, 143);
        assertThat(output).contains(TaskRunFixture.TASK_FINISHED + ": nightly (go)");
        assertThat(output).as("nothing abandoned").noneMatch(line -> line.contains("abandoned"));
    }
}
