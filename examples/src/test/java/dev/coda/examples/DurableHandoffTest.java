package dev.coda.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.coda.Coda;
import dev.coda.HttpException;
import dev.coda.Post;
import dev.coda.durable.DurableState;
import dev.coda.durable.DurableTasks;
import dev.coda.durable.TaskEngine;
import dev.coda.tasks.BackgroundTasks;
import dev.coda.testing.TestClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same {@code addTask} made durable by configuration: stored in the engine before the response is
 * written, under the id its handle shows, and only when the request's outcome lets it run.
 */
class DurableHandoffTest {

    static final List<String> ranInProcess = new CopyOnWriteArrayList<>();

    /** Tasks of the test app: {@code report} is durable, {@code note} runs in-process. */
    public static final class Jobs {
        public static void report(String name) {
            ranInProcess.add("report " + name);
        }

        public static void note(String text) {
            ranInProcess.add("note " + text);
        }
    }

    /** The test app's routes. */
    public static final class Routes {
        @Post("/reports/{name}")
        public Map<String, String> create(String name, BackgroundTasks tasks) {
            var handle = tasks.addTask(Jobs::report, name);
            tasks.addTask(Jobs::note, name);
            return Map.of("id", handle.id());
        }

        @Post("/failing/{name}")
        public Map<String, String> failing(String name, BackgroundTasks tasks) {
            tasks.addTask(Jobs::report, "default-" + name);
            tasks.onError().addTask(Jobs::report, "on-error-" + name);
            throw new HttpException(409, "conflict");
        }
    }

    TaskEngine engine;
    DurableTasks durable;

    @BeforeEach
    void engine(@TempDir Path dir) {
        ranInProcess.clear();
        engine = TaskEngine.sqlite(dir.resolve("tasks.db"));
        durable = DurableTasks.on(engine).task(Jobs::report).build();
    }

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void aDurableTaskIsStoredBeforeTheResponseUnderTheIdItsHandleShowedAndDoesNotRunInProcess() {
        var app = Coda.app().routes(new Routes()).durable(durable).build();
        try (var client = TestClient.of(app, TestClient.TaskMode.HOLD)) {
            var response = client.post("/reports/q3");

            assertThat(response.status()).isEqualTo(200);
            var id = (String) ((Map<?, ?>) response.json()).get("id");
            var stored = durable.status(id);
            assertThat(stored).as("stored when the response arrived, before any after-response work").isPresent();
            assertThat(stored.get().name()).isEqualTo("DurableHandoffTest.Jobs.report");
            assertThat(stored.get().state()).isEqualTo(DurableState.QUEUED);
            assertThat(stored.get().arguments()).isEqualTo("[\"q3\"]");

            client.runHeldTasks();
            assertThat(ranInProcess).containsExactly("note q3");
        }
    }

    @Test
    void aFailedRequestStoresOnlyItsOnErrorDurableTasks() {
        var app = Coda.app().routes(new Routes()).durable(durable).build();
        try (var client = TestClient.of(app)) {
            var response = client.post("/failing/x");

            assertThat(response.status()).isEqualTo(409);
            assertThat(engine.counts().get("default")).containsEntry(DurableState.QUEUED, 1L);
            assertThat(ranInProcess).as("durable tasks never run in the web process").isEmpty();
        }
        try (var worker = durable.worker().start()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> ranInProcess.contains("report on-error-x"));
            assertThat(ranInProcess).containsExactly("report on-error-x");
            assertThat(worker.id()).isNotBlank();
        }
    }
}
