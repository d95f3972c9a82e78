package dev.coda.durable;

import ch.qos.logback.classic.Level;
import dev.coda.tasks.TaskCall;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.LoggerFactory;

/**
 * Throughput of the durable engines on this machine: enqueue one task per transaction (one thread, then
 * 8 threads), enqueue in batches, and processing of no-op tasks by one worker. Not a test; run it with
 * {@code coda-durable/bench.sh [sqlite|postgres|both] [tasks] [concurrency] [claimBatch] [prefetch]}, or on any
 * engine {@link TaskEngine#fromUrl} opens with {@code coda-durable/bench.sh url <CODA_TASKS_URL> [tasks] ...}
 * (e.g. {@code url "redis://127.0.0.1:6379/0?prefix=bench-1" 100000}).
 *
 * <p>Each engine runs three times, each time on a fresh database (SQLite file, PostgreSQL schema; for a URL a fresh
 * {@code currentSchema} or {@code prefix}, printed as "store:" so that a caller can delete a broker's keys): the first
 * round with a cold JVM, the second while the JIT is still compiling the per-batch paths (on RabbitMQ this JVM's CPU a
 * task was still a half above the later rounds'), the third warm: the figure of a worker that has run a while. Every task is a real row: stored, claimed with a lease, run on a virtual thread (arguments bound from
 * JSON, the method invoked), and recorded as succeeded in a group commit. The figure is tasks recorded
 * as succeeded per second, checked against the database at the end.
 */
public final class DurableBenchmark {

    private DurableBenchmark() {
    }

    /** When the first task of the current round ran (System.nanoTime), 0 before. */
    private static final AtomicLong FIRST_RUN = new AtomicLong();

    /** The no-op task; it only notes when the first one ran. */
    public static void noop(int i) {
        if (FIRST_RUN.get() == 0) {
            FIRST_RUN.compareAndSet(0, System.nanoTime());
        }
    }

    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("dev.coda.durable")).setLevel(Level.WARN);
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("com.zaxxer")).setLevel(Level.WARN);
        var which = args.length > 0 ? args[0] : "both";
        var url = which.equals("url") ? args[1] : null;
        int n = url == null ? 1 : 2; // index of the first number
        int tasks = args.length > n ? Integer.parseInt(args[n]) : 100_000;
        int concurrency = args.length > n + 1 ? Integer.parseInt(args[n + 1]) : 256;
        int batch = args.length > n + 2 ? Integer.parseInt(args[n + 2]) : 256;
        int prefetch = args.length > n + 3 ? Integer.parseInt(args[n + 3]) : 256;
        System.out.printf("Coda durable benchmark: %d no-op tasks, worker concurrency %d, claim batch %d, prefetch %d, %d cores, Java %s%n",
                tasks, concurrency, batch, prefetch, Runtime.getRuntime().availableProcessors(), Runtime.version());
        // each engine three times, each time on a fresh database: the JIT is still compiling through the first two
        for (int round = 1; round <= 3; round++) {
            var when = switch (round) {
                case 1 -> " - round 1 (cold JVM)";
                case 2 -> " - round 2 (JIT warming up)";
                default -> " - round 3 (warm JVM)";
            };
            if (url != null) {
                runOnUrl(url, when, tasks, concurrency, batch, prefetch);
                continue;
            }
            if (!which.equals("postgres")) {
                var dir = Files.createTempDirectory("coda-bench");
                try (var engine = TaskEngine.sqlite(dir.resolve("tasks.db"))) {
                    run("SQLite (WAL, synchronous=NORMAL)" + when, engine, null, tasks, concurrency, batch, prefetch);
                }
            }
            if (!which.equals("sqlite")) {
                var base = System.getenv().getOrDefault("CODA_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
                var schema = "coda_bench_" + UUID.randomUUID().toString().substring(0, 8);
                try (var engine = TaskEngine.postgres(base, schema)) {
                    run("PostgreSQL (synchronous_commit=on)" + when, engine, "postgres", tasks, concurrency, batch, prefetch);
                } finally {
                    try (var c = DriverManager.getConnection(base); var s = c.createStatement()) {
                        s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                    }
                }
            }
        }
    }

    /** One round on the engine of {@code url}, with a fresh schema (PostgreSQL, dropped after) or key prefix. */
    private static void runOnUrl(String url, String when, int tasks, int concurrency, int batch, int prefetch) throws Exception {
        var fresh = "coda_bench_" + UUID.randomUUID().toString().substring(0, 8);
        var postgres = url.startsWith("jdbc:postgresql:");
        var param = postgres ? "currentSchema" : "prefix";
        var matcher = java.util.regex.Pattern.compile("([?&]" + param + "=)([^&]*)").matcher(url);
        var name = matcher.find() ? matcher.group(2) + "_" + fresh.substring("coda_bench_".length()) : fresh;
        var roundUrl = matcher.find(0) ? matcher.replaceFirst("$1" + name) : url + (url.contains("?") ? "&" : "?") + param + "=" + name;
        if (url.startsWith("amqp") && !url.contains("store=") && System.getenv("CODA_TASKS_STORE_URL") == null) {
            // the broker's engine keeps its state in a store: a fresh SQLite file a round, not ./coda-tasks.db shared by all
            var file = Files.createTempDirectory("coda-bench").resolve("tasks.db");
            roundUrl += "&store=" + java.net.URLEncoder.encode("jdbc:sqlite:" + file, java.nio.charset.StandardCharsets.UTF_8);
        }
        System.out.println("   store: " + param + " " + name);
        try (var engine = TaskEngine.fromUrl(roundUrl)) {
            var server = postgres ? "postgres" : url.startsWith("redis") ? "redis-server" : url.startsWith("amqp") ? "beam.smp" : null;
            run(url.substring(0, url.indexOf(':')) + " engine (" + param + " " + name + ")" + when, engine, server, tasks, concurrency, batch, prefetch);
        } finally {
            if (postgres) {
                try (var c = DriverManager.getConnection(url); var s = c.createStatement()) {
                    s.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
                }
            }
        }
    }

    private static void run(String label, TaskEngine engine, String server, int tasks, int concurrency, int batch, int prefetch) throws Exception {
        var durable = DurableTasks.on(engine).task(DurableBenchmark::noop).build();
        System.out.println("== " + label);

        int warmUp = 1_000; // lets the JIT compile the enqueue path; processed with the rest
        for (int i = 0; i < warmUp; i++) {
            durable.enqueue(TaskCall.of(DurableBenchmark::noop, i));
        }
        int single = 3_000;
        long t0 = System.nanoTime();
        for (int i = 0; i < single; i++) {
            durable.enqueue(TaskCall.of(DurableBenchmark::noop, i));
        }
        report("enqueue, 1 task per transaction, 1 thread", single, t0);

        int threads = 8;
        int perThread = 1_000;
        t0 = System.nanoTime();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var futures = new ArrayList<Future<?>>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        durable.enqueue(TaskCall.of(DurableBenchmark::noop, i));
                    }
                    return null;
                }));
            }
            for (var f : futures) {
                f.get();
            }
        }
        report("enqueue, 1 task per transaction, " + threads + " threads", threads * perThread, t0);

        int batchSize = 1_000;
        t0 = System.nanoTime();
        for (int done = 0; done < tasks; done += batchSize) {
            var calls = new ArrayList<TaskCall>(batchSize);
            for (int i = 0; i < batchSize && done + i < tasks; i++) {
                calls.add(TaskCall.of(DurableBenchmark::noop, done + i));
            }
            durable.enqueueAll(calls);
        }
        report("enqueue, batches of " + batchSize, tasks, t0);

        long total = warmUp + single + (long) threads * perThread + tasks;
        var registry = new SimpleMeterRegistry();
        FIRST_RUN.set(0);
        long jvmCpu0 = jvmCpuNanos();
        long dbCpu0 = serverCpuNanos(server);
        t0 = System.nanoTime();
        var worker = durable.worker().concurrency("default", concurrency).claimBatchSize(batch).prefetch(prefetch)
                .meterRegistry(registry).start();
        while (succeeded(registry) < total || worker.heldTasks() > 0) {
            Thread.sleep(5);
            if (System.nanoTime() - t0 > Duration.ofMinutes(5).toNanos()) {
                throw new IllegalStateException("only " + succeeded(registry) + " of " + total + " after 5 min");
            }
        }
        report("process no-op tasks (claim, run, record)", total, t0);
        // as the Celery reference counts it: from the first task's run to the last one's, here to its success being committed
        report("  the same from the first task's run, as for Celery", total - 1, FIRST_RUN.get());
        long dbCpu = serverCpuNanos(server) - dbCpu0;
        System.out.printf(Locale.ROOT, "   CPU per task: this JVM %.1f µs%s%n", (jvmCpuNanos() - jvmCpu0) / 1e3 / total,
                dbCpu0 < 0 || dbCpu < 0 ? "" : String.format(Locale.ROOT, ", %s processes %.1f µs", server, dbCpu / 1e3 / total));
        worker.close();
        var stored = engine.counts().get("default").get(DurableState.SUCCEEDED);
        System.out.printf(Locale.ROOT, "   checked: %d tasks SUCCEEDED in the database (expected %d)%n", stored, total);
        if (stored != total) {
            throw new IllegalStateException("lost or duplicated tasks");
        }
    }

    private static long jvmCpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos();
    }

    /** User + system time of the local server's processes named {@code server} (from /proc), or -1 where that cannot be read or no server is named. */
    private static long serverCpuNanos(String server) {
        if (server == null) {
            return -1;
        }
        long ticks = 0;
        try (var processes = Files.list(java.nio.file.Path.of("/proc"))) {
            for (var dir : processes.filter(d -> d.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                try {
                    if (!Files.readString(dir.resolve("comm")).strip().equals(server)) {
                        continue;
                    }
                    var stat = Files.readString(dir.resolve("stat"));
                    var fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);   // utime, stime
                } catch (java.io.IOException | RuntimeException gone) {
                    // the process ended meanwhile
                }
            }
        } catch (java.io.IOException e) {
            return -1;
        }
        return ticks * 10_000_000L; // USER_HZ = 100
    }

    private static double succeeded(SimpleMeterRegistry registry) {
        return registry.find("coda.tasks.completed").tag("outcome", "succeeded").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private static void report(String what, long n, long startNanos) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        System.out.printf(Locale.ROOT, "   %-48s %,9d tasks in %6.2f s = %,9.0f tasks/s%n", what, n, seconds, n / seconds);
    }
}
