package dev.coda.benchmarks;

import dev.coda.Coda;
import dev.coda.Post;
import dev.coda.tasks.BackgroundTasks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The app of the latency benchmark: {@code POST /work/{id}} answers {@code {"id": id}} and adds
 * {@code TASKS} background tasks (environment, default 2) that each sleep {@code TASK_SLEEP_MS}
 * milliseconds (default 100). {@code TASKS=0} is the baseline: the same route and the same injected
 * {@code BackgroundTasks}, with nothing added. Runs with Coda's default task settings.
 *
 * <p>On SIGTERM it stops gracefully (requests, then the task drain), then writes {@code counts.txt} in
 * the working directory: {@code requests=N tasks=M}, the requests answered and the tasks completed, so
 * the load script can check that every task of every request ran.
 */
public final class LatencyApp {

    private static final AtomicLong REQUESTS = new AtomicLong();
    private static final AtomicLong TASKS_DONE = new AtomicLong();

    private final int tasksPerRequest;
    private final long sleepMillis;

    LatencyApp(int tasksPerRequest, long sleepMillis) {
        this.tasksPerRequest = tasksPerRequest;
        this.sleepMillis = sleepMillis;
    }

    static void sleep(long millis) throws InterruptedException {
        Thread.sleep(millis);
        TASKS_DONE.incrementAndGet();
    }

    @Post("/work/{id}")
    public Map<String, String> work(String id, BackgroundTasks tasks) {
        for (int i = 0; i < tasksPerRequest; i++) {
            tasks.addTask(LatencyApp::sleep, sleepMillis);
        }
        REQUESTS.incrementAndGet();
        return Map.of("id", id);
    }

    public static void main(String[] args) {
        int tasks = Integer.parseInt(System.getenv().getOrDefault("TASKS", "2"));
        long sleep = Long.parseLong(System.getenv().getOrDefault("TASK_SLEEP_MS", "100"));
        var server = Coda.app().routes(new LatencyApp(tasks, sleep)).host(System.getenv().getOrDefault("HOST", "127.0.0.1")).start();
        System.out.println("latency app: " + tasks + " task(s) of " + sleep + " ms per request");
        var hook = new Thread(() -> {
            server.stop();    // graceful: in-flight requests finish, then every queued task runs
            try {
                Files.writeString(Path.of("counts.txt"), "requests=" + REQUESTS.get() + " tasks=" + TASKS_DONE.get() + "\n");
            } catch (IOException e) {
                e.printStackTrace();
            }
        }, "latency-app-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            server.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
