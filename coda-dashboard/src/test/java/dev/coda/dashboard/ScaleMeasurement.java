package dev.coda.dashboard;

import dev.coda.durable.TaskEngine;
import dev.coda.durable.TaskEngine.Completion;
import dev.coda.durable.TaskEngine.NewTask;
import dev.coda.testing.TestClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How long the dashboard's pages take over a million tasks (half succeeded, half queued, a thousand failed), in process:
 * a measurement, not a check, run only when asked (its name is not a test's, and it skips without the size).
 *
 * <pre>{@code
 * mvn -pl coda-dashboard -am test -Dtest=ScaleMeasurement -Ddashboard.scale=1000000 [-Ddashboard.engine=postgres] \
 *     -Dsurefire.failIfNoSpecifiedTests=false      # the times in target/surefire-reports/...ScaleMeasurement-output.txt
 * }</pre>
 */
class ScaleMeasurement {

    @TempDir
    Path folder;

    @Test
    void pagesAtAMillionTasks() {
        int n = Integer.getInteger("dashboard.scale", 0);
        Assumptions.assumeTrue(n > 0, "set -Ddashboard.scale=1000000");
        String kind = System.getProperty("dashboard.engine", "sqlite");
        var schemas = new PostgresSchemas();
        try (var engine = kind.equals("postgres") ? schemas.engine() : TaskEngine.sqlite(folder.resolve("t.db"))) {
            long t0 = System.nanoTime();
            int half = n / 2;
            for (int i = 0; i < half; i += 1000) {
                var batch = new ArrayList<NewTask>();
                for (int j = 0; j < 1000; j++) {
                    batch.add(new NewTask("Bulk.run", "[" + (i + j) + "]", "bulk", 0, null, null, 3));
                }
                engine.enqueue(batch);
                var claimed = engine.claim("w", List.of("bulk"), 1000, Duration.ofMinutes(5));
                engine.complete("w", claimed.stream().<Completion>map(c -> new Completion.Succeeded(c.id(), null)).toList());
                var queued = new ArrayList<NewTask>();
                for (int j = 0; j < 1000; j++) {
                    queued.add(new NewTask("Mailer.send", "[" + (i + j) + "]", "default", 0, null, null, 3));
                }
                engine.enqueue(queued);
            }
            var failing = new ArrayList<NewTask>();
            for (int j = 0; j < 1000; j++) {
                failing.add(new NewTask("Mailer.send", "[" + j + "]", "mail", 0, null, null, 3));
            }
            engine.enqueue(failing);
            var claimed = engine.claim("w", List.of("mail"), 1000, Duration.ofMinutes(5));
            engine.complete("w", claimed.stream().<Completion>map(c -> new Completion.Failed(c.id(), "boom")).toList());
            System.out.printf("%s: stored %d tasks in %d s%n", kind, n + 1000, (System.nanoTime() - t0) / 1_000_000_000);
            var ms = new double[7];
            for (int i = 0; i < ms.length; i++) {
                long t = System.nanoTime();
                engine.counts();
                ms[i] = (System.nanoTime() - t) / 1e6;
            }
            Arrays.sort(ms);
            System.out.printf("%-60s median %7.1f ms  max %7.1f ms%n", "engine.counts()", ms[3], ms[6]);
            try (var client = TestClient.of(Pages.mounted(TaskDashboard.builder(engine).build()))) {
                time(client, "/dashboard/");
                time(client, "/dashboard/tasks");
                time(client, "/dashboard/tasks?state=failed");
                time(client, "/dashboard/tasks?state=failed&name=Mailer.send");
                time(client, "/dashboard/tasks?state=queued");
                time(client, "/dashboard/tasks?state=succeeded");
                time(client, "/dashboard/tasks?queue=default");
                time(client, "/dashboard/tasks?state=failed&error=BOOM");
                time(client, "/dashboard/tasks?state=succeeded&args=no+such+text");
                time(client, "/dashboard/tasks?state=succeeded&args=%5B4");
                time(client, "/dashboard/tasks?args=no+such+text");
                time(client, "/dashboard/tasks/bulk?action=retry&state=failed");
                String path = "/dashboard/tasks?state=succeeded";
                int page = 1;
                for (String next = path; page < 200 && next != null; page++) {
                    path = next;
                    next = Pages.next(client.get(path));
                }
                time(client, path);
                System.out.println("(the last: page " + page + " of succeeded, by cursor)");
            }
        } finally {
            try {
                schemas.drop();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static void time(TestClient client, String path) {
        var ms = new double[7];
        for (int i = 0; i < ms.length; i++) {
            long t = System.nanoTime();
            var response = client.get(path);
            ms[i] = (System.nanoTime() - t) / 1e6;
            if (response.status() != 200) {
                throw new AssertionError(path + ": " + response.status());
            }
        }
        Arrays.sort(ms);
        System.out.printf("%-60s median %7.1f ms  max %7.1f ms%n", path.length() > 58 ? path.substring(0, 58) : path, ms[3], ms[6]);
    }
}
