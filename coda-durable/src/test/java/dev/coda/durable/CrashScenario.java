package dev.coda.durable;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coda.tasks.TaskCall;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/**
 * The crash test of any engine: two worker processes ({@link WorkerMain}, opening the engine by its URL) share 40
 * tasks; one is killed with SIGKILL while it holds some. Every task must still succeed, the killed worker's tasks being
 * run again by the other once their lease has expired; the other then stops gracefully. In the test-jar, for the
 * engine modules.
 *
 * <pre>{@code
 * CrashScenario.run(engine, "redis://127.0.0.1:6379?prefix=" + prefix, "Redis", tempDir);
 * }</pre>
 */
public final class CrashScenario {

    private static final int TASKS = 40;
    private static final long TASK_MILLIS = 250;
    private static final long LEASE_MILLIS = 1500;

    private final String url;
    private final Path dir;
    private final List<Process> processes = new ArrayList<>();

    private CrashScenario(String url, Path dir) {
        this.url = url;
        this.dir = dir;
    }

    /**
     * Runs the scenario with {@code engine} (on {@code url}) as the application, and appends its recovery time to
     * {@code target/crash-recovery.txt} under {@code label}; the child processes are killed whatever happens.
     */
    public static void run(TaskEngine engine, String url, String label, Path dir) throws Exception {
        var scenario = new CrashScenario(url, dir);
        try {
            scenario.killAndRecover(engine, label);
        } finally {
            scenario.processes.forEach(Process::destroyForcibly);
        }
    }

    private static ConditionFactory await(Duration atMost) {
        return Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(20)).pollDelay(Duration.ZERO);
    }

    private Process launch(String workerId, Path log) throws IOException {
        var java = ProcessHandle.current().info().command().orElseThrow();
        var command = List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), WorkerMain.class.getName(),
                url, workerId, "4", Long.toString(LEASE_MILLIS));
        var process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(process);
        return process;
    }

    private void killAndRecover(TaskEngine engine, String label) throws Exception {
        var results = Files.createDirectories(dir.resolve("results"));
        var durable = DurableTasks.on(engine).task(CrashJobs::work).build();
        var calls = new ArrayList<TaskCall>();
        for (int i = 0; i < TASKS; i++) {
            calls.add(TaskCall.of(CrashJobs::work, results.toString(), i, TASK_MILLIS));
        }
        var ids = durable.enqueueAll(calls);

        var logA = dir.resolve("worker-a.log");
        var logB = dir.resolve("worker-b.log");
        var a = launch("worker-a", logA);
        var b = launch("worker-b", logB);
        await(Duration.ofSeconds(60)).until(() -> Files.readString(logA).contains("READY") && Files.readString(logB).contains("READY"));

        // kill A while it runs tasks
        await(Duration.ofSeconds(30)).until(() -> CrashJobs.running(results, a.pid()));
        a.destroyForcibly();
        assertThat(a.waitFor(10, TimeUnit.SECONDS)).isTrue();
        long killedAt = System.currentTimeMillis();

        Set<Integer> orphans = CrashJobs.unfinished(results, a.pid());
        assertThat(orphans).as("A held unfinished tasks when it was killed").isNotEmpty();

        await(Duration.ofSeconds(60)).until(() ->
                ids.stream().allMatch(id -> durable.status(id).orElseThrow().state() == DurableState.SUCCEEDED));

        var done = CrashJobs.done(results);
        assertThat(done.keySet()).as("every task ran to the end at least once").hasSize(TASKS);
        long recoveredAfter = 0;
        for (int n : orphans) {
            var byB = done.get(n).stream().filter(m -> m.pid() == b.pid()).toList();
            assertThat(byB).as("orphan %d finished by B", n).hasSize(1);
            recoveredAfter = Math.max(recoveredAfter, byB.get(0).millis() - killedAt);
            assertThat(durable.status(ids.get(n)).orElseThrow().attempts()).as("orphan %d ran twice", n).isEqualTo(2);
        }
        done.forEach((n, runs) -> {
            if (!orphans.contains(n)) {
                assertThat(runs).as("task %d, not orphaned, ran once", n).hasSize(1);
            }
        });
        // A extended its leases every 500 ms, so they ended 1 to 1.5 s after the kill; B then claims within a
        // recovery check (250 ms) and runs the task (250 ms), besides its own work
        var line = String.format("%s: %d orphan(s) of the killed worker recovered within %d ms of the kill (lease %d ms)%n",
                label, orphans.size(), recoveredAfter, LEASE_MILLIS);
        System.out.print(line);
        Files.writeString(Path.of("target", "crash-recovery.txt"), line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        assertThat(recoveredAfter).isBetween(LEASE_MILLIS - 500 - 100, LEASE_MILLIS + 4_000);
        var counts = durable.counts().get("default");
        assertThat(counts.get(DurableState.SUCCEEDED)).isEqualTo(TASKS);
        assertThat(counts.get(DurableState.RUNNING)).isZero();

        // B stops gracefully when told
        b.getOutputStream().close();
        assertThat(b.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(logB)).contains("STOPPED").doesNotContain("Exception");
    }
}
