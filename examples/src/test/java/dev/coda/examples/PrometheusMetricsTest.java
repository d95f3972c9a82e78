package dev.coda.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.coda.Coda;
import dev.coda.durable.DurableTasks;
import dev.coda.durable.TaskEngine;
import dev.coda.durable.Worker;
import dev.coda.testing.TestClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} of the main example (tutorial002, in-process tasks) and of the files example (durable tasks):
 * Prometheus's text format, where both kinds of task appear under the same meter names, told apart by the tag
 * {@code kind}; the route stays out of the OpenAPI document.
 */
class PrometheusMetricsTest {

    @TempDir
    Path dir;

    @AfterEach
    void putTheLogBack() {
        Tutorial002.logFile = Path.of("log.txt");
    }

    @Test
    void theMainExamplesInProcessTasksAreScrapedWithKindQueueTaskAndOutcome() {
        Tutorial002.logFile = dir.resolve("log.txt");
        try (var client = TestClient.of(Tutorial002.app(new PrometheusMetrics()))) {
            assertThat(client.post("/send-notification/foo@example.com?q=some-query").status()).isEqualTo(200);

            var scrape = client.get("/metrics");
            assertThat(scrape.status()).isEqualTo(200);
            assertThat(scrape.header("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
            var text = scrape.text();
            var labels = Map.of("kind", "in-process", "queue", "none", "task", "Tutorial002.writeLog", "outcome", "succeeded");
            assertThat(sample(text, "coda_tasks_runs_seconds_count", labels)).hasValue(2);
            assertThat(sample(text, "coda_tasks_completed_total", labels)).hasValue(2);
            assertThat(sample(text, "coda_tasks_started_total", Map.of("kind", "in-process", "task", "Tutorial002.writeLog"))).hasValue(2);
            assertThat(sample(text, "coda_tasks_queued", Map.of("kind", "in-process", "queue", "none"))).hasValue(0);
            assertThat(client.get("/openapi.json").text()).as("not part of the API").doesNotContain("/metrics");
        }
    }

    @Test
    void theFilesExamplesDurableTasksAreScrapedUnderTheSameNamesWithKindDurable() {
        var metrics = new PrometheusMetrics();
        try (var engine = TaskEngine.sqlite(dir.resolve("tasks.db"))) {
            var durable = DurableTasks.on(engine).task(FileJobs::process).meterRegistry(metrics.registry()).build();
            var jobs = new FileJobs(UploadStore.database(durable), Duration.ZERO);
            var app = Coda.app().routes(new FilesApp(durable, jobs), metrics)
                    .backgroundTasks(tasks -> tasks.meterRegistry(metrics.registry())).durable(durable).build();
            try (var client = TestClient.of(app);
                 Worker worker = durable.worker().service(jobs).pollInterval(Duration.ofMillis(50)).start()) {
                var accepted = client.request("POST", "/files").body("hello metrics".getBytes(StandardCharsets.UTF_8),
                        "application/octet-stream").send();
                assertThat(accepted.status()).as(accepted.text()).isEqualTo(202);
                var id = (String) ((Map<?, ?>) accepted.json()).get("id");
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                        .until(() -> "succeeded".equals(((Map<?, ?>) client.get("/files/" + id).json()).get("status")));

                var labels = Map.of("kind", "durable", "queue", "default", "task", "FileJobs.process", "outcome", "succeeded");
                await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                        .until(() -> sample(client.get("/metrics").text(), "coda_tasks_completed_total", labels).isPresent());
                var text = client.get("/metrics").text();
                assertThat(sample(text, "coda_tasks_runs_seconds_count", labels)).hasValue(1);
                assertThat(sample(text, "coda_tasks_completed_total", labels)).hasValue(1);
                assertThat(sample(text, "coda_tasks_started_total", Map.of("kind", "durable", "queue", "default",
                        "task", "FileJobs.process"))).hasValue(1);
                assertThat(worker.id()).isNotBlank();
            }
        }
    }

    /** The value of the sample of {@code metric} whose labels include {@code labels}, if there is one. */
    private static OptionalDouble sample(String exposition, String metric, Map<String, String> labels) {
        return exposition.lines().filter(line -> line.startsWith(metric + "{"))
                .filter(line -> labels.entrySet().stream().allMatch(l -> line.contains(l.getKey() + "=\"" + l.getValue() + "\"")))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst();
    }
}
