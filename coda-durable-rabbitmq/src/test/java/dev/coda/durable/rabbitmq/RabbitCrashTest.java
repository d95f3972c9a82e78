package dev.coda.durable.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coda.durable.CrashJobs;
import dev.coda.durable.DurableState;
import dev.coda.durable.DurableTasks;
import dev.coda.durable.TaskEngine;
import dev.coda.durable.WorkerMain;
import dev.coda.tasks.TaskCall;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two worker processes on RabbitMQ share the tasks; one is killed with SIGKILL while it runs some. The broker returns
 * the killed worker's unacknowledged messages at once; the other worker holds them until the killed worker's leases
 * end in the store, then runs them: every task succeeds, each orphan exactly once more.
 */
class RabbitCrashTest {

    private static final int TASKS = 40;
    private static final long TASK_MILLIS = 250;
    private static final long LEASE_MILLIS = 1500;

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private RabbitFixture rabbit;

    @AfterEach
    void cleanUp() throws Exception {
        processes.forEach(Process::destroyForcibly);
        for (var process : processes) {
            process.waitFor(10, TimeUnit.SECONDS);
        }
        if (rabbit != null) {
            rabbit.close();
        }
    }

    private Process launch(String url, String workerId, Path log) throws IOException {
        var java = ProcessHandle.current().info().command().orElseThrow();
        var command = List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), WorkerMain.class.getName(), url, workerId, "4",
                Long.toString(LEASE_MILLIS));
        var process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(process);
        return process;
    }

    @Test
    void aWorkerKilledMidTaskLosesNothing() throws Exception {
        rabbit = new RabbitFixture();
        var storeUrl = "jdbc:sqlite:" + dir.resolve("tasks.db");
        var url = rabbit.url() + "&store=" + URLEncoder.encode(storeUrl, StandardCharsets.UTF_8);
        var results = Files.createDirectories(dir.resolve("results"));
        try (var engine = TaskEngine.fromUrl(url)) {
            assertThat(engine).isInstanceOf(RabbitTaskEngine.class);
            var durable = DurableTasks.on(engine).task(CrashJobs::work).build();
            var calls = new ArrayList<TaskCall>();
            for (int i = 0; i < TASKS; i++) {
                calls.add(TaskCall.of(CrashJobs::work, results.toString(), i, TASK_MILLIS));
            }
            var ids = durable.enqueueAll(calls);

            var logA = dir.resolve("worker-a.log");
            var logB = dir.resolve("worker-b.log");
            var a = launch(url, "worker-a", logA);
            var b = launch(url, "worker-b", logB);
            var await = Awaitility.await().pollInterval(Duration.ofMillis(20));
            await.atMost(Duration.ofSeconds(60)).until(() -> Files.readString(logA).contains("READY") && Files.readString(logB).contains("READY"));

            await.atMost(Duration.ofSeconds(30)).until(() -> CrashJobs.running(results, a.pid()));
            a.destroyForcibly(); // SIGKILL
            assertThat(a.waitFor(10, TimeUnit.SECONDS)).isTrue();
            long killedAt = System.currentTimeMillis();

            Set<Integer> orphans = CrashJobs.unfinished(results, a.pid());
            assertThat(orphans).as("A held unfinished tasks when it was killed").isNotEmpty();

            await.atMost(Duration.ofSeconds(60)).until(() ->
                    ids.stream().allMatch(id -> durable.status(id).orElseThrow().state() == DurableState.SUCCEEDED));

            var done = CrashJobs.done(results);
            assertThat(done.keySet()).as("every task ran to the end at least once").hasSize(TASKS);
            long recoveredAfter = 0;
            for (int n : orphans) {
                var byB = done.get(n).stream().filter(m -> m.pid() == b.pid()).toList();
                assertThat(byB).as("orphan %d finished by B, once", n).hasSize(1);
                recoveredAfter = Math.max(recoveredAfter, byB.get(0).millis() - killedAt);
                assertThat(durable.status(ids.get(n)).orElseThrow().attempts()).as("orphan %d ran twice", n).isEqualTo(2);
            }
            for (var entry : done.entrySet()) {
                if (!orphans.contains(entry.getKey())) {
                    assertThat(entry.getValue()).as("task %d, not orphaned, ran once", entry.getKey()).hasSize(1);
                }
            }
            // the broker returns A's messages at once; B holds them until A's leases (extended every 500 ms) end, 1 to
            // 1.5 s after the kill, then runs them (250 ms) besides its own work
            var line = String.format("RabbitMQ: %d orphan(s) of the killed worker recovered within %d ms of the kill (lease %d ms)%n",
                    orphans.size(), recoveredAfter, LEASE_MILLIS);
            System.out.print(line);
            Files.writeString(Path.of("target", "crash-recovery.txt"), line, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            assertThat(recoveredAfter).isBetween(LEASE_MILLIS - 500 - 100, LEASE_MILLIS + 4_000);
            assertThat(durable.counts().get("default").get(DurableState.SUCCEEDED)).isEqualTo(TASKS);

            b.getOutputStream().close(); // B stops gracefully when told
            assertThat(b.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(logB)).contains("STOPPED").doesNotContain("Exception");
        }
    }
}
