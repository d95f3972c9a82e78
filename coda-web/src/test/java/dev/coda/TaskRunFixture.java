package dev.coda;

import dev.coda.tasks.BackgroundTasks;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * A child-process app for {@link BackgroundTasksShutdownTest}: {@code Coda.run()} on a free loopback
 * port, whose background task runs until the parent test, listening on the port given as the first
 * argument, sends it a line.
 */
public final class TaskRunFixture {

    static final String TASK_STARTED = "background task started";
    static final String TASK_FINISHED = "background task finished";

    private static int parentPort;

    public static final class Api {
        static void waitForTheParent(String job) throws IOException {
            try (var socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", parentPort), 10_000);
                System.out.println(TASK_STARTED + ": " + job);
                System.out.flush();
                var line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)).readLine();
                System.out.println(TASK_FINISHED + ": " + job + " (" + line + ")");
                System.out.flush();
            }
        }

        @Post("/jobs/{job}")
        public Map<String, String> job(String job, BackgroundTasks tasks) {
            tasks.addTask(Api::waitForTheParent, job);
            return Map.of("accepted", job);
        }
    }

    private TaskRunFixture() {
    }

    public static void main(String[] args) {
        parentPort = Integer.parseInt(args[0]);
        Coda.app().routes(new Api()).host("127.0.0.1").port(0)
                .backgroundTasks(b -> b.shutdownTimeout(Duration.ofSeconds(30)))
                .run();
    }
}
