package dev.coda.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.coda.Coda;
import dev.coda.durable.DurableTasks;
import dev.coda.durable.TaskEngine;
import dev.coda.durable.Worker;
import dev.coda.tasks.TaskCall;
import dev.coda.tasks.TaskOptions;
import dev.coda.testing.TestClient;
import dev.coda.testing.TestResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the {@code files} app tells clients about bad forms and failed uploads: FastAPI-shaped 422s for forms it
 * cannot use (never a 500), and errors of failed tasks without Java class names or internal ids; the full error
 * stays in the worker's log and the engine. (The whole example as users run it: {@code FilesExampleIT}.)
 */
class FilesAppTest {

    @RegisterExtension
    final LogLines logs = new LogLines();

    @TempDir
    Path dir;

    private TaskEngine engine;
    private DurableTasks durable;
    private FileJobs jobs;
    private TestClient client;

    @BeforeEach
    void startTheApp() {
        engine = TaskEngine.sqlite(dir.resolve("tasks.db"));
        durable = DurableTasks.on(engine).task(FileJobs::process).build();
        jobs = new FileJobs(UploadStore.database(durable), Duration.ZERO);
        client = TestClient.of(Coda.app().routes(new FilesApp(durable, jobs)).durable(durable).build());
    }

    @AfterEach
    void stopTheApp() {
        client.close();
        engine.close();
    }

    private TestResponse postForm(String body) {
        return client.request("POST", "/files").body(body, "multipart/form-data; boundary=b").send();
    }

    @Test
    void aPartWithoutContentDispositionIsA422NotA500() {
        for (var headers : new String[] {"Content-Type: text/plain\r\n", "", "Content-Disposition: form-data\r\n",
                "Content-Disposition: form-data; name=\"\"\r\n"}) {
            var response = postForm("--b\r\n" + headers + "\r\nhello\r\n--b--\r\n");
            assertThat(response.status()).as("part headers %s", headers).isEqualTo(422);
            assertThat(response.json()).isEqualTo(
                    Map.of("detail", "every part of the form needs a Content-Disposition: form-data header with a name"));
        }
        var named = postForm("--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nhello\r\n--b--\r\n");
        assertThat(named.status()).isEqualTo(202);
        assertThat(logs.since(0)).filteredOn(LogLines::aboveInfo).isEmpty();
    }

    @Test
    void aMalformedBodyIsA422ThatSaysWhyWithoutJavaClassNames() {
        var truncated = postForm("--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nhello\r\n--b");
        assertThat(truncated.status()).isEqualTo(422);
        assertThat(truncated.json()).isEqualTo(Map.of("detail", "malformed multipart body: unexpected EOF in BOUNDARY"));

        var noBoundary = client.request("POST", "/files").body("--b\r\n\r\nx\r\n--b--\r\n", "multipart/form-data").send();
        assertThat(noBoundary.status()).isEqualTo(422);
        assertThat(noBoundary.json()).isEqualTo(Map.of("detail", "multipart/form-data without a boundary"));

        var empty = postForm("--b--\r\n");
        assertThat(empty.status()).isEqualTo(422);
        assertThat(empty.text()).doesNotContain("Exception").doesNotContain("java.");
    }

    @Test
    void aFailedUploadShowsTheMessageWrittenForClientsAndNothingOfOtherErrors() {
        var missing = durable.enqueue(TaskCall.of(jobs::process, "4b1d0c1e-internal-upload-id")
                .withOptions(TaskOptions.DEFAULT.withMaxAttempts(1)));
        // arguments that do not bind: the worker's error names the method, its parameter types and the worker
        var unbindable = engine.enqueue(java.util.List.of(new TaskEngine.NewTask("FileJobs.process", "[1, 2, 3]", "default", 0, null,
                null, 1))).getFirst();
        try (Worker worker = durable.worker().service(jobs).pollInterval(Duration.ofMillis(50)).start()) {
            var failed = awaitFailed(missing);
            assertThat(failed).isEqualTo(Map.of("id", missing, "status", "failed", "attempts", 1, "error", "the upload is missing"));
            assertThat(durable.status(missing).orElseThrow().lastError()).as("the full error stays in the engine")
                    .startsWith("dev.coda.examples.FileJobs$Failure: the upload is missing").contains("\tat ");

            var other = awaitFailed(unbindable);
            assertThat(other.get("error")).isEqualTo("the upload could not be processed");
            assertThat(durable.status(unbindable).orElseThrow().lastError()).isNotBlank().isNotEqualTo(other.get("error"));
            assertThat(worker.id()).isNotBlank();
        }
    }

    private Map<?, ?> awaitFailed(String id) {
        return await("task " + id + " failed").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> (Map<?, ?>) client.get("/files/" + id).json(), body -> "failed".equals(body.get("status")));
    }
}
