package dev.coda.durable;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.MDC;

/** Durable test tasks. Each test passes its own key, under which executions are recorded. */
public final class Jobs {

    /** What ran, by key. */
    static final Map<String, List<Object>> RECORDED = new ConcurrentHashMap<>();
    /** Attempt start times (System.nanoTime), by key. */
    static final Map<String, List<Long>> ATTEMPTS = new ConcurrentHashMap<>();
    /** Executions running now and the most seen at once, by key. */
    static final Map<String, AtomicInteger> RUNNING = new ConcurrentHashMap<>();
    static final Map<String, AtomicInteger> MAX_RUNNING = new ConcurrentHashMap<>();
    /** Gates that blocking tasks wait on, by key. */
    static final Map<String, CountDownLatch> GATES = new ConcurrentHashMap<>();

    private Jobs() {
    }

    static List<Object> recorded(String key) {
        return RECORDED.getOrDefault(key, List.of());
    }

    static List<Long> attempts(String key) {
        return ATTEMPTS.getOrDefault(key, List.of());
    }

    static CountDownLatch gate(String key) {
        return GATES.computeIfAbsent(key, k -> new CountDownLatch(1));
    }

    private static void record(String key, Object value) {
        RECORDED.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(value);
    }

    public record Order(long id, String customer, Instant placedAt, List<String> items, Optional<String> note) {
    }

    public static void note(String key, int value) {
        record(key, value);
    }

    public static int add(int a, int b) {
        return a + b;
    }

    public static CompletionStage<String> greet(String name) {
        return CompletableFuture.supplyAsync(() -> "hello " + name);
    }

    public static Order echo(String key, Order order) {
        record(key, order);
        return order;
    }

    public static void mdc(String key) {
        record(key, MDC.get("task.id") + "|" + MDC.get("task.name") + "|" + MDC.get("task.attempt"));
    }

    /** Fails on the first {@code failures} attempts, then succeeds. */
    public static String flaky(String key, int failures) {
        var times = ATTEMPTS.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>());
        times.add(System.nanoTime());
        if (times.size() <= failures) {
            throw new IllegalStateException("flaky failure " + times.size());
        }
        return "ok after " + times.size();
    }

    public static void alwaysFail(String key) {
        ATTEMPTS.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(System.nanoTime());
        throw new IllegalStateException("always failing");
    }

    /** Runs for {@code millis}, recording how many executions of {@code key} overlap. */
    public static void slow(String key, long millis) throws InterruptedException {
        record(key, "start");
        int now = RUNNING.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        MAX_RUNNING.computeIfAbsent(key, k -> new AtomicInteger()).accumulateAndGet(now, Math::max);
        try {
            Thread.sleep(millis);
        } finally {
            RUNNING.get(key).decrementAndGet();
            record(key, "end");
        }
    }

    /** Waits for its gate (at most a minute); records "start", then "end" or "interrupted". */
    public static void block(String key) {
        record(key, "start");
        try {
            if (!gate(key).await(60, TimeUnit.SECONDS)) {
                record(key, "gate timeout");
            }
            record(key, "end");
        } catch (InterruptedException e) {
            record(key, "interrupted");
            Thread.currentThread().interrupt();
        }
    }

    /** {@link #block} under another task name, to register it with another timeout. */
    public static void park(String key) {
        block(key);
    }

    /** A task of a class that is not registered anywhere: stays in-process. */
    public static void notDurable(String key) {
        record(key, "ran");
    }

    /** An instance method, for method references that must be rejected. */
    public static final class Service {
        public void handle(String key) {
            record(key, "service");
        }
    }
}
