package dev.coda.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coda.testing.TestClient;
import dev.coda.testing.TestClient.TaskMode;
import dev.coda.tasks.TaskHandle;
import dev.coda.tasks.TaskState;
import java.io.IOException;
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
 * The seed's second example in-process: FastAPI's {@code tests/test_tutorial/test_background_tasks/test_tutorial002.py}
 * (a dependency and its path operation share one {@code BackgroundTasks}; both append to {@code log.txt}).
 * {@code log.txt} is moved into a temporary directory, so that no test writes into the repository.
 */
class Tutorial002Test {

    private static final Map<String, Object> SENT = Map.of("message", "Message sent");

    @TempDir
    Path dir;

    private Path log;

    @BeforeEach
    void moveTheLogIntoATemporaryDirectory() {
        log = dir.resolve("log.txt");
        Tutorial002.logFile = log;
    }

    @AfterEach
    void putTheLogBackInTheWorkingDirectory() {
        Tutorial002.logFile = Path.of("log.txt");
    }

    /**
     * Mirrors FastAPI's {@code test_tutorial002.py::test} (both variants, plain and {@code Annotated}): the
     * dependency's task runs before the endpoint's; the file holds exactly their two lines.
     */
    @Test
    void aQueryAndTheMessageAreBothLoggedTheDependencysTaskFirst() throws IOException {
        try (var client = TestClient.of(Tutorial002.app())) {
            var response = client.post("/send-notification/foo@example.com?q=some-query");

            assertThat(response.status()).as(response.text()).isEqualTo(200);
            assertThat(response.header("content-type")).contains("application/json");
            assertThat(response.text()).isEqualTo("{\"message\":\"Message sent\"}");
            assertThat(Files.readString(log)).isEqualTo("found query: some-query\nmessage to foo@example.com\n");
        }
    }

    @Test
    void withoutAQueryOnlyTheMessageIsLogged() throws IOException {
        try (var client = TestClient.of(Tutorial002.app())) {
            var response = client.post("/send-notification/foo@example.com");

            assertThat(response.json()).isEqualTo(SENT);
            assertThat(response.tasks()).hasSize(1);
            assertThat(Files.readString(log)).isEqualTo("message to foo@example.com\n");
        }
    }

    /** The seed's {@code if q:}: an empty string is falsy in Python, so {@code ?q=} adds no task. */
    @ParameterizedTest
    @ValueSource(strings = {"?q=", "?q", "?q=&q="})
    void anEmptyQueryCountsAsAbsentAsWithPythonsIfQ(String query) throws IOException {
        try (var client = TestClient.of(Tutorial002.app())) {
            var response = client.post("/send-notification/foo@example.com" + query);

            assertThat(response.status()).as(response.text()).isEqualTo(200);
            assertThat(response.tasks()).hasSize(1);
            assertThat(Files.readString(log)).isEqualTo("message to foo@example.com\n");
        }
    }

    /** Mode "a": every request adds to the file, which keeps what was there before. */
    @Test
    void requestsAppendToTheLogAndKeepWhatWasThere() throws IOException {
        Files.writeString(log, "written before the app started\n");
        try (var client = TestClient.of(Tutorial002.app())) {
            client.post("/send-notification/foo@example.com?q=some-query");
            client.post("/send-notification/bar@example.com");

            assertThat(Files.readString(log)).isEqualTo("""
                    written before the app started
                    found query: some-query
                    message to foo@example.com
                    message to bar@example.com
                    """);
        }
    }

    @Test
    void theResponseIsSentBeforeEitherLineIsWrittenAndTheDependencysTaskIsQueuedFirst() throws IOException {
        try (var client = TestClient.of(Tutorial002.app(), TaskMode.HOLD)) {
            var response = client.post("/send-notification/foo@example.com?q=some-query");

            assertThat(response.json()).isEqualTo(SENT);
            assertThat(response.tasks()).extracting(TaskHandle::name)
                    .containsExactly("Tutorial002.writeLog", "Tutorial002.writeLog");
            assertThat(response.tasks()).extracting(TaskHandle::state).containsOnly(TaskState.QUEUED);
            assertThat(log).doesNotExist();

            client.runHeldTasks();

            assertThat(response.tasks()).extracting(TaskHandle::state).containsOnly(TaskState.SUCCEEDED);
            assertThat(Files.readString(log)).isEqualTo("found query: some-query\nmessage to foo@example.com\n");
        }
    }

    /** Starlette reads one value of a repeated query parameter: the last. */
    @Test
    void aRepeatedQueryLogsItsLastValue() throws IOException {
        try (var client = TestClient.of(Tutorial002.app())) {
            client.post("/send-notification/foo@example.com?q=first&q=second");

            assertThat(Files.readString(log)).isEqualTo("found query: second\nmessage to foo@example.com\n");
        }
    }

    @Test
    void aPercentEncodedQueryIsLoggedDecodedInUtf8() throws IOException {
        try (var client = TestClient.of(Tutorial002.app())) {
            client.post("/send-notification/foo@example.com?q=caf%C3%A9%20au%20lait");

            assertThat(Files.readString(log)).isEqualTo("found query: café au lait\nmessage to foo@example.com\n");
        }
    }

    /** Neither {@code email: str} nor {@code q: str | None} can be invalid: odd input is a 200, never a 422. */
    @Test
    void oddInputIsAcceptedLikeFastAPIsPlainStrParametersAndABodyIsIgnored() throws IOException {
        try (var client = TestClient.of(Tutorial002.app())) {
            var response = client.request("POST", "/send-notification/not-an-email?q=%20")
                    .body("{not json", "application/json").send();

            assertThat(response.status()).as(response.text()).isEqualTo(200);
            assertThat(Files.readString(log)).isEqualTo("found query:  \nmessage to not-an-email\n");
        }
    }

    @Test
    void getOnTheRouteIs405WithAnAllowHeaderAndRunsNeitherTask() {
        try (var client = TestClient.of(Tutorial002.app())) {
            var response = client.get("/send-notification/foo@example.com?q=some-query");

            assertThat(response.status()).isEqualTo(405);
            assertThat(response.header("allow")).contains("POST");
            assertThat(response.json()).isEqualTo(Map.of("detail", "Method Not Allowed"));
            assertThat(log).doesNotExist();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/send-notification?q=some-query", "/send-notification/?q=some-query",
            "/send-notification/foo@example.com/more?q=some-query"})
    void pathsWithoutExactlyOneEmailSegmentAre404AndRunNeitherTask(String path) {
        try (var client = TestClient.of(Tutorial002.app())) {
            var response = client.post(path);

            assertThat(response.status()).isEqualTo(404);
            assertThat(response.json()).isEqualTo(Map.of("detail", "Not Found"));
            assertThat(log).doesNotExist();
        }
    }

    /**
     * Starlette's {@code redirect_slashes}: a trailing slash is redirected, query kept, and neither task runs. The
     * Location is relative, where Starlette's is absolute on the Host header (docs/reliability.md, "Connections").
     */
    @Test
    void aTrailingSlashIsATemporaryRedirectThatKeepsTheQueryAndRunsNeitherTask() {
        try (var client = TestClient.of(Tutorial002.app())) {
            var response = client.post("/send-notification/foo@example.com/?q=some-query");

            assertThat(response.status()).isEqualTo(307);
            assertThat(response.header("location")).contains("/send-notification/foo@example.com?q=some-query");
            assertThat(log).doesNotExist();
        }
    }
}
