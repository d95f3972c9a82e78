package dev.coda.benchmarks;

import dev.coda.tasks.TaskRuntime;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.slf4j.MDC;

/**
 * Heap retained per queued task. A runtime with {@code maxConcurrency(1)} runs one unit whose task blocks,
 * so that the next {@code N} tasks (default 100,000, as units of two tasks like tutorial002's) stay
 * queued; the heap in use after a full GC is read before and after queueing them, and the difference is
 * divided by {@code N}. Two shapes:
 * <ul>
 *   <li>{@code framework}: constant arguments and no MDC, the runtime's own bookkeeping only;</li>
 *   <li>{@code tutorial002}: what Coda holds for a tutorial002 request: a request id per request (in the
 *       unit and in the MDC every task captures) and per-request argument strings.</li>
 * </ul>
 * Prints one JSON object. Usage: {@code heap-per-task [tasks] [runs]}.
 */
public final class HeapPerTask {

    private static final String ORIGIN = "POST /send-notification/{email}";

    private HeapPerTask() {
    }

    static void block(CountDownLatch started, CountDownLatch release) throws InterruptedException {
        started.countDown();
        release.await();
    }

    static void writeLog(String message) {
        // never runs while measured
    }

    public static void main(String[] args) throws Exception {
        int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        var out = new StringBuilder("{\"tasks\":").append(tasks).append(",\"runs\":").append(runs);
        for (var shape : new String[] {"framework", "tutorial002"}) {
            measure(shape, tasks, 1);                       // warm-up: classes loaded, code compiled
            var perTask = new double[runs];
            for (int r = 0; r < runs; r++) {
                perTask[r] = measure(shape, tasks, r + 2);
            }
            var sorted = perTask.clone();
            Arrays.sort(sorted);
            out.append(String.format(Locale.ROOT, ",\"%s\":{\"bytesPerTask\":[%s],\"min\":%.1f,\"median\":%.1f,\"max\":%.1f}",
                    shape, join(perTask), sorted[0], sorted[runs / 2], sorted[runs - 1]));
        }
        System.out.println(out.append('}'));
    }

    private static double measure(String shape, int taskCount, int run) throws InterruptedException {
        var runtime = TaskRuntime.builder().maxConcurrency(1).maxQueuedTasks(taskCount + 1).build();
        var started = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var blocker = runtime.newTasks("blocker", "0");
        blocker.addTask(HeapPerTask::block, started, release);
        runtime.dispatch(blocker, false);
        started.await();

        long before = usedAfterGc();
        boolean tutorial = shape.equals("tutorial002");
        for (int i = 0; i < taskCount / 2; i++) {
            String id = tutorial ? UUID.randomUUID().toString() : "0";
            if (tutorial) {
                MDC.put("requestId", id);
            }
            var unit = runtime.newTasks(ORIGIN, id);
            unit.addTask(HeapPerTask::writeLog, tutorial ? "found query: some-query-" + i + "\n" : "found query: some-query\n");
            unit.addTask(HeapPerTask::writeLog, tutorial ? "message to user" + i + "@example.com\n" : "message to foo@example.com\n");
            runtime.dispatch(unit, false);
        }
        MDC.clear();
        long after = usedAfterGc();
        int queued = runtime.queuedTasks();
        release.countDown();
        if (!runtime.shutdown(Duration.ofSeconds(60))) {
            throw new IllegalStateException("the queued tasks did not drain");
        }
        if (queued != taskCount / 2 * 2) {
            throw new IllegalStateException("expected " + taskCount + " queued tasks, found " + queued + " (run " + run + ")");
        }
        return (after - before) / (double) queued;
    }

    private static long usedAfterGc() throws InterruptedException {
        var memory = ManagementFactory.getMemoryMXBean();
        long previous = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            Thread.sleep(50);
            long used = memory.getHeapMemoryUsage().getUsed();
            if (Math.abs(previous - used) < 64 * 1024) {
                return used;
            }
            previous = used;
        }
        return previous;
    }

    private static String join(double[] values) {
        var parts = new ArrayList<String>();
        for (var v : values) {
            parts.add(String.format(Locale.ROOT, "%.1f", v));
        }
        return String.join(",", parts);
    }
}
