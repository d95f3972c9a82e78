package dev.coda.dashboard;

import dev.coda.durable.TaskEngine;
import dev.coda.durable.TaskEngine.Completion;
import dev.coda.durable.TaskEngine.NewTask;
import dev.coda.testing.TestClient;
import dev.coda.testsupport.TestPostgres;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How long the dashboard's pages take over a million tasks, in process (server time: no network), as the median and the
 * largest of 7 requests: a measurement, not a check, run only when asked (its name is not a test's, and it skips without
 * the size). On SQLite the tasks are stored through the engine (half succeeded, half queued, a thousand failed); on
 * PostgreSQL they are written straight into the engine's table in its own format by one {@code INSERT ... SELECT} over
 * {@code generate_series} ({@link #fill}: 2% failed, 1% queued ({@code -Ddashboard.queuedPercent}), 0.5% cancelled, the
 * rest succeeded, over three queues and four names), the final states' counters adjusted as the engine does, then
 * {@code VACUUM ANALYZE}.
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
    void pagesAtAMillionTasks() throws SQLException {
        int n = Integer.getInteger("dashboard.scale", 0);
        Assumptions.assumeTrue(n > 0, "set -Ddashboard.scale=1000000");
        String kind = System.getProperty("dashboard.engine", "sqlite");
        var schemas = new PostgresSchemas();
        try (var engine = kind.equals("postgres") ? schemas.engine() : TaskEngine.sqlite(folder.resolve("t.db"))) {
            long t0 = System.nanoTime();
            if (kind.equals("postgres")) {
                fill(schemas.schema(), n, Integer.getInteger("dashboard.queuedPercent", 1));
            } else {
                storeThroughTheEngine(engine, n);
            }
            System.out.printf("%s: stored %d tasks in %d s%n", kind, n, (System.nanoTime() - t0) / 1_000_000_000);
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
                time(client, "/dashboard/tasks?state=failed&queue=mail");
                time(client, "/dashboard/tasks?state=failed&name=Mailer.send");
                time(client, "/dashboard/tasks?state=succeeded&name=Audit.export");
                time(client, "/dashboard/tasks?state=queued");
                time(client, "/dashboard/tasks?state=queued&queue=default");
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
                var first = client.get("/dashboard/tasks?state=failed").text();
                var id = first.substring(first.indexOf("/dashboard/tasks/") + "/dashboard/tasks/".length());
                time(client, "/dashboard/tasks/" + id.substring(0, id.indexOf('"')));
                time(client, "/dashboard/workers");
            }
        } finally {
            schemas.drop();
        }
    }

    /** Half succeeded, half queued, a thousand failed: through enqueue, claim and complete, a thousand at a time. */
    private static void storeThroughTheEngine(TaskEngine engine, int n) {
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
    }

    /**
     * {@code n} tasks written into the PostgreSQL engine's table of {@code schema}, one a millisecond over the last
     * {@code n} ms, with UUIDv7 ids of their creation time as the engine makes them; the counters of the final states
     * adjusted as the engine's statements do (it counts the live states through its indexes).
     */
    private static void fill(String schema, int n, int queuedPercent) throws SQLException {
        var insert = """
                INSERT INTO %1$s.coda_tasks (id, name, queue, priority, args, state, attempts, max_attempts, run_at,
                                             created_at, started_at, finished_at, last_error, result)
                SELECT substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-7' || substr(r, 1, 3) || '-8' || substr(r, 4, 3)
                           || '-' || substr(r, 7, 12),
                       CASE WHEN i %% 1000 = 7 THEN 'Audit.export' WHEN i %% 10 < 6 THEN 'FileJobs.process'
                            WHEN i %% 10 < 9 THEN 'Mailer.send' ELSE 'Reports.render' END,
                       CASE WHEN i %% 10 < 6 THEN 'default' WHEN i %% 10 < 9 THEN 'mail' ELSE 'reports' END,
                       0, '["upload-' || i || '"]', s,
                       CASE s WHEN 'queued' THEN 0 WHEN 'failed' THEN 3 ELSE 1 END, 3, t, t,
                       CASE WHEN s = 'queued' THEN NULL ELSE t END,
                       CASE WHEN s = 'queued' THEN NULL ELSE t + interval '40 ms' END,
                       CASE WHEN s = 'failed' THEN 'java.io.IOException: the upload ' || i || ' could not be read'
                            WHEN s = 'cancelled' THEN 'cancelled from the dashboard' END,
                       CASE WHEN s = 'succeeded' THEN '{"bytes":' || i || ',"lines":1}' END
                FROM (SELECT i, t, md5(i::text) AS r, lpad(to_hex((extract(epoch FROM t) * 1000)::bigint), 12, '0') AS h,
                             CASE WHEN i %% 100 < 2 THEN 'failed' WHEN i %% 100 < 2 + %3$d THEN 'queued'
                                  WHEN i %% 200 = 199 THEN 'cancelled' ELSE 'succeeded' END AS s
                      FROM (SELECT i, date_trunc('milliseconds', now()) - (%2$d - i) * interval '1 ms' AS t
                            FROM generate_series(1, %2$d) AS i) AS times) AS rows
                """.formatted(schema, n, queuedPercent);
        var counts = ("INSERT INTO %1$s.coda_task_counts AS c (queue, state, shard, tasks)"
                + " SELECT queue, state, 0, count(*) FROM %1$s.coda_tasks WHERE state IN ('succeeded', 'failed', 'cancelled')"
                + " GROUP BY queue, state ON CONFLICT (queue, state, shard) DO UPDATE SET tasks = c.tasks + excluded.tasks")
                .formatted(schema);
        try (var connection = DriverManager.getConnection(TestPostgres.url()); var statement = connection.createStatement()) {
            statement.execute(insert);
            statement.execute(counts);
            statement.execute("VACUUM ANALYZE " + schema + ".coda_tasks");
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
