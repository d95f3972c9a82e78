package dev.coda.durable;

import java.time.Duration;

/**
 * A worker process for the crash test: {@code WorkerMain <engine url> <worker id> <concurrency> <lease ms>}.
 * Prints {@code READY} once it runs; stops gracefully when its standard input closes.
 */
public final class WorkerMain {

    private WorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        var engine = TaskEngine.fromUrl(args[0]);
        var durable = DurableTasks.on(engine).task(CrashJobs::work).build();
        var worker = durable.worker()
                .workerId(args[1])
                .concurrency("default", Integer.parseInt(args[2]))
                .lease(Duration.ofMillis(Long.parseLong(args[3])))
                .pollInterval(Duration.ofMillis(200))
                .start();
        System.out.println("READY " + ProcessHandle.current().pid());
        System.out.flush();
        while (System.in.read() != -1) {
            // until the parent closes our input
        }
        worker.close();
        engine.close();
        System.out.println("STOPPED");
    }
}
