package dev.coda.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.coda.testing.TestClient;
import dev.coda.testing.TestClient.TaskMode;
import dev.coda.tasks.TaskHandle;
import dev.coda.tasks.TaskState;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The seed's first example in-process: FastAPI's {@code tests/test_tutorial/test_background_tasks/test_tutorial001.py}
 * and what the page says around it. {@code log.txt} is moved into a temporary directory, so that no test
 * writes into the repository.
 */
class Tutorial001Test {

    private static final Map<String, Object> SENT = Map.of("message", "Notification sent in the background");

    @TempDir
    Path dir;

    private Path log;

    @BeforeEach
    void moveTheLogIntoATemporaryDirectory() {
        log = dir.resolve("log.txt");
        Tutorial001.logFile = log;
    }

    @AfterEach
    void putTheLogBackInTheWorkingDirectory() {
        Tutorial001.logFile = Path.of("log.txt");
    }

    /** Mirrors FastAPI's {@code test_tutorial001.py::test}: the JSON answer, then the file the task wrote. */
    @Test
    void sendingANotificationAnswersWithTheMessageAndTheTaskWritesTheNotificationToTheLog() throws IOException {
        try (var client = TestClient.of(Tutorial001.app())) {
            var response = client.post("/send-notification/foo@example.com");

            assertThat(response.status()).as(response.text()).isEqualTo(200);
            assertThat(response.header("content-type")).contains("application/json");
            assertThat(response.text()).isEqualTo("{\"message\":\"Notification sent in the background\"}");
            assertThat(response.json()).isEqualTo(SENT);
            assertThat(Files.readString(log)).isEqualTo("notification for foo@example.com: some notification");
        }
    }

    @Test
    void theResponseIsSentBeforeTheNotificationIsWritten() throws IOException {
        try (var client = TestClient.of(Tutorial001.app(), TaskMode.HOLD)) {
            var response = client.post("/send-notification/foo@example.com");

            assertThat(response.json()).isEqualTo(SENT);
            assertThat(response.tasks()).extracting(TaskHandle::name, TaskHandle::state)
                    .containsExactly(tuple("Tutorial001.writeNotification", TaskState.QUEUED));
            assertThat(log).doesNotExist();

            var ran = client.runHeldTasks();

            assertThat(ran).extracting(TaskHandle::state).containsExactly(TaskState.SUCCEEDED);
            assertThat(Files.readString(log)).isEqualTo("notification for foo@example.com: some notification");
        }
    }

    /** The seed opens {@code log.txt} with mode "w": each notification replaces the file, even a longer one. */
    @Test
    void eachNotificationOverwritesTheLogInsteadOfAppendingToIt() throws IOException {
        Files.writeString(log, "an older and much longer line that must disappear entirely\nand a second line\n");
        try (var client = TestClient.of(Tutorial001.app())) {
            client.post("/send-notification/first.person@example.com");
            assertThat(Files.readString(log)).isEqualTo("notification for first.person@example.com: some notification");

            client.post("/send-notification/b@example.com");

            assertThat(Files.readString(log)).isEqualTo("notification for b@example.com: some notification");
        }
    }

    /** {@code email: str} in FastAPI: any path segment is an email, percent-decoded, never a 422. */
    @ParameterizedTest
    @ValueSource(strings = {"foo%40example.com", "not-an-email", "caf%C3%A9@example.com"})
    void theEmailIsAnyPathSegmentPercentDecodedAsInFastAPIWhereItIsAPlainStr(String segment) throws IOException {
        var email = URLDecoder.decode(segment, StandardCharsets.UTF_8);
        try (var client = TestClient.of(Tutorial001.app())) {
            var response = client.post("/send-notification/" + segment);

            assertThat(response.status()).as(response.text()).isEqualTo(200);
            assertThat(Files.readString(log)).isEqualTo("notification for " + email + ": some notification");
        }
    }

    /** The route declares no body: FastAPI ignores one, even malformed JSON, instead of answering 422. */
    @Test
    void aBodyIsIgnoredBecauseTheRouteDeclaresNone() throws IOException {
        try (var client = TestClient.of(Tutorial001.app())) {
            var response = client.request("POST", "/send-notification/foo@example.com")
                    .body("{not json", "application/json").send();

            assertThat(response.status()).as(response.text()).isEqualTo(200);
            assertThat(Files.readString(log)).isEqualTo("notification for foo@example.com: some notification");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "PUT", "DELETE", "PATCH", "OPTIONS"})
    void otherMethodsOnTheRouteAre405WithAnAllowHeaderAndWriteNothing(String method) {
        try (var client = TestClient.of(Tutorial001.app())) {
            var response = client.request(method, "/send-notification/foo@example.com").send();

            assertThat(response.status()).isEqualTo(405);
            assertThat(response.header("allow")).contains("POST");
            assertThat(response.header("content-type")).contains("application/json");
            assertThat(response.json()).isEqualTo(Map.of("detail", "Method Not Allowed"));
            assertThat(response.tasks()).isEmpty();
            assertThat(log).doesNotExist();
        }
    }

    /** HEAD falls back to GET routes only, as in Starlette: on a POST route it is a 405 too. */
    @Test
    void headOnTheRouteIs405WithAnAllowHeader() {
        try (var client = TestClient.of(Tutorial001.app())) {
            var response = client.head("/send-notification/foo@example.com");

            assertThat(response.status()).isEqualTo(405);
            assertThat(response.header("allow")).contains("POST");
            assertThat(log).doesNotExist();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/send-notification", "/send-notification/", "/send-notification/foo@example.com/more", "/"})
    void pathsWithoutExactlyOneEmailSegmentAre404AndWriteNothing(String path) {
        try (var client = TestClient.of(Tutorial001.app())) {
            var response = client.post(path);

            assertThat(response.status()).isEqualTo(404);
            assertThat(response.json()).isEqualTo(Map.of("detail", "Not Found"));
            assertThat(log).doesNotExist();
        }
    }

    /**
     * Starlette's {@code redirect_slashes}: a trailing slash is redirected to the route, and nothing is written. The
     * Location is relative, where Starlette's is absolute on the Host header (docs/reliability.md, "Connections").
     */
    @Test
    void aTrailingSlashIsATemporaryRedirectToThePathWithoutItAndWritesNothing() {
        try (var client = TestClient.of(Tutorial001.app())) {
            var response = client.post("/send-notification/foo@example.com/");

            assertThat(response.status()).isEqualTo(307);
            assertThat(response.header("location")).contains("/send-notification/foo@example.com");
            assertThat(response.tasks()).isEmpty();
            assertThat(log).doesNotExist();
        }
    }

    /** Coda's difference from FastAPI: a task that fails is isolated; the client already has its answer. */
    @Test
    void aNotificationThatCannotBeWrittenFailsItsTaskButNotTheResponse() throws IOException {
        Files.createDirectory(log);                 // writing a file where a directory is fails
        try (var client = TestClient.of(Tutorial001.app())) {
            var response = client.post("/send-notification/foo@example.com");

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.json()).isEqualTo(SENT);
            assertThat(response.tasks()).singleElement().satisfies(task -> {
                assertThat(task.state()).isEqualTo(TaskState.FAILED);
                assertThat(task.failure()).containsInstanceOf(IOException.class);
            });
        }
    }
}
