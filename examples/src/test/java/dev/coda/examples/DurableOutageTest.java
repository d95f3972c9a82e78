package dev.coda.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.coda.Coda;
import dev.coda.Post;
import dev.coda.Response;
import dev.coda.durable.DurableState;
import dev.coda.durable.DurableTasks;
import dev.coda.durable.TaskEngine;
import dev.coda.durable.Worker;
import dev.coda.tasks.BackgroundTasks;
import dev.coda.testing.TestClient;
import dev.coda.testing.TestResponse;
import dev.coda.testsupport.OwnPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durable engine's database goes away under a running {@code files} app (web and worker in one process). While
 * it is away, {@code POST /files} and {@code GET /files/{id}} answer {@code 503} with {@code Retry-After} within a
 * bounded time (the request timeout, 2 s, at most; at once while the engine knows it is down), never a 500 after a
 * 10 s pool timeout, and the logs stay a few lines whatever the number of requests, without a stack trace per request.
 * Once it is back, new uploads are accepted and every upload accepted before is processed: nothing answered 202 is
 * lost. Both ways a request meets the engine are shown: the {@code files} app's path operations (its upload store
 * and status reads use the engine's connections) and the durable handoff alone ({@code POST /notes}, whose handler only
 * adds a durable task: stored by {@code DurableTasks.store} before the response).
 *
 * <p>PostgreSQL: a server of the test's own ({@link OwnPostgres}), crashed (SIGKILL of all its processes) and
 * restarted. SQLite: the file locked for writing by another process for longer than the timeouts. (An unwritable
 * SQLite file cannot be shown: the engine holds the file open read-write, so a later {@code chmod} does not affect
 * it, and a file read-only from the start fails at start-up; see docs/reliability.md.)
 */
class DurableOutageTest {

    /** The longest any request may take while the database is away: the request timeout (2 s) with room for a busy machine. */
    private static final Duration BOUND = Duration.ofSeconds(4);
    /** How long the clients send requests while the database is away. */
    private static final Duration OUTAGE = Duration.ofSeconds(5);
    /** Lines at WARN or above that the whole outage may write (measured: about 10; HikariCP writes one per pooled connection). */
    private static final int MAX_WARNINGS = 30;

    @RegisterExtension
    final LogLines logs = new LogLines();

    @TempDir
    Path dir;

    private OwnPostgres postgres;
    private TaskEngine engine;
    private Worker worker;
    private TestClient client;
    /** Ids of the accepted notes. */
    private final List<String> notes = new ArrayList<>();

    private record Answer(String request, int status, Duration took, String retryAfter, String body) {
    }

    /** Routes whose only contact with the engine is the durable handoff of their task. */
    public static final class Notes {

        @Post("/notes/{text}")
        public Response note(String text, BackgroundTasks tasks) {
            var task = tasks.addTask(Notes::keep, text);                  // durable: stored before the 202 is written
            return Response.accepted(Map.of("id", task.id()));
        }

        public static String keep(String text) {
            return text;
        }
    }

    @AfterEach
    void stopEverything() throws Exception {
        if (client != null) {
            client.close();
        }
        if (worker != null) {
            worker.close();
        }
        if (engine != null) {
            engine.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void postgresqlCrashedAnswers503FastWithBoundedLogsThenAcceptsAgainAndLosesNothingAccepted() throws Exception {
        postgres = OwnPostgres.start();
        startApp(postgres.url("outage"));
        var accepted = uploadSome(6);

        int logsBefore = logs.count();
        postgres.crash();
        var answers = duringOutage(accepted.keySet().iterator().next());
        assertThat(answers).allSatisfy(answer -> assertThat(answer.status()).as("%s", answer).isEqualTo(503));
        assertOutageAnswers(answers, logsBefore);

        postgres.restart();
        afterOutage(accepted);
    }

    @Test
    void sqliteLockedByAnotherProcessAnswers503FastWithBoundedLogsThenAcceptsAgainAndLosesNothingAccepted() throws Exception {
        var file = dir.resolve("tasks.db");
        startApp("jdbc:sqlite:" + file);
        var accepted = uploadSome(6);

        int logsBefore = logs.count();
        try (var other = DriverManager.getConnection("jdbc:sqlite:" + file); var statement = other.createStatement()) {
            statement.execute("BEGIN IMMEDIATE");                     // another process writing, longer than any timeout
            var answers = duringOutage(accepted.keySet().iterator().next());
            assertThat(answers).filteredOn(answer -> answer.request().startsWith("POST")).isNotEmpty()
                    .allSatisfy(answer -> assertThat(answer.status()).as("%s", answer).isEqualTo(503));
            // reads of a WAL file go on while another process writes; they are refused while the engine's connection waits
            assertThat(answers).filteredOn(answer -> answer.request().startsWith("GET"))
                    .allSatisfy(answer -> assertThat(answer.status()).as("%s", answer).isIn(200, 503));
            assertOutageAnswers(answers, logsBefore);
            statement.execute("ROLLBACK");
        }
        afterOutage(accepted);
    }

    private void startApp(String url) {
        engine = TaskEngine.fromUrl(url);
        var durable = DurableTasks.on(engine).task(FileJobs::process).task(Notes::keep).build();
        var jobs = new FileJobs(UploadStore.database(durable), Duration.ofMillis(200)); // some run when the database goes away
        worker = durable.worker().service(jobs).concurrency("default", 2).start();
        client = TestClient.overNetwork(Coda.app().routes(new FilesApp(durable, jobs), new Notes()).durable(durable).build());
    }

    /** Uploads {@code n} different contents and as many notes; returns the uploads' task ids and contents, in order. */
    private Map<String, byte[]> uploadSome(int n) {
        var accepted = new LinkedHashMap<String, byte[]>();
        for (int i = 0; i < n; i++) {
            var content = ("upload " + i + "\n").repeat(i + 1).getBytes(StandardCharsets.UTF_8);
            var response = upload(content);
            assertThat(response.status()).as("%s", response).isEqualTo(202);
            accepted.put(id(response), content);
            var note = client.post("/notes/before-" + i);
            assertThat(note.status()).as("%s", note).isEqualTo(202);
            notes.add(id(note));
        }
        return accepted;
    }

    private TestResponse upload(byte[] content) {
        return client.request("POST", "/files").body(content, "application/octet-stream").send();
    }

    private static String id(TestResponse response) {
        return (String) ((Map<?, ?>) response.json()).get("id");
    }

    /**
     * Uploads and status reads from eight clients, each sending its next request when the last is answered, for
     * {@link #OUTAGE}: thousands of requests, several probes of the database by the engine.
     */
    private List<Answer> duringOutage(String knownId) throws Exception {
        long end = System.nanoTime() + OUTAGE.toNanos();
        var clients = new ArrayList<Callable<List<Answer>>>();
        for (int c = 0; c < 8; c++) {
            int client = c;
            clients.add(() -> {
                var answers = new ArrayList<Answer>();
                for (int i = 0; System.nanoTime() < end; i++) {
                    var content = ("refused " + client + "/" + i).getBytes(StandardCharsets.UTF_8);
                    var note = "/notes/refused-" + client + "-" + i;
                    answers.add(timed("POST /files", () -> upload(content)));
                    answers.add(timed("GET /files/" + knownId, () -> this.client.get("/files/" + knownId)));
                    answers.add(timed("POST /notes", () -> this.client.post(note)));
                }
                return answers;
            });
        }
        var answers = new ArrayList<Answer>();
        try (var pool = Executors.newFixedThreadPool(clients.size())) {
            for (Future<List<Answer>> answered : pool.invokeAll(clients)) {
                answers.addAll(answered.get());
            }
        }
        assertThat(answers).as("requests during the outage").hasSizeGreaterThan(100);
        return answers;
    }

    private static Answer timed(String request, Callable<TestResponse> call) throws Exception {
        long start = System.nanoTime();
        var response = call.call();
        return new Answer(request, response.status(), Duration.ofNanos(System.nanoTime() - start),
                response.header("Retry-After").orElse(null), response.text());
    }

    private void assertOutageAnswers(List<Answer> answers, int logsBefore) {
        assertThat(answers).allSatisfy(answer -> {
            assertThat(answer.took()).as("%s", answer).isLessThan(BOUND);
            if (answer.status() == 503) {
                assertThat(answer.body()).isEqualTo("{\"detail\":\"Service Unavailable\"}");
                assertThat(Integer.parseInt(answer.retryAfter())).as("Retry-After of %s", answer).isBetween(1, 10);
            }
        });
        var fast = answers.stream().filter(answer -> answer.took().compareTo(Duration.ofMillis(500)) < 0).count();
        assertThat(fast).as("answered at once while the engine knows its database is away, of %s", answers.size())
                .isGreaterThanOrEqualTo(answers.size() * 9L / 10);

        var lines = logs.since(logsBefore);
        System.out.printf("outage: %d requests, %d answered in under 500 ms, the slowest in %d ms; %d log lines, %d at WARN or above%n",
                answers.size(), fast, answers.stream().mapToLong(a -> a.took().toMillis()).max().orElse(0), lines.size(),
                lines.stream().filter(LogLines::aboveInfo).count());
        var report = String.join("\n", lines.stream().map(LogLines::format).toList());
        assertThat(lines).as("no stack trace from Coda during the outage:%n%s", report)
                .filteredOn(line -> line.getLoggerName().startsWith("dev.coda") && LogLines.hasStackTrace(line)).isEmpty();
        assertThat(lines.stream().filter(LogLines::hasStackTrace).count())
                .as("stack traces of the pool's broken connections (at most one each), none per request:%n%s", report)
                .isLessThanOrEqualTo(10);
        assertThat(lines.stream().filter(LogLines::aboveInfo).count()).as("warnings for %s requests:%n%s", answers.size(), report)
                .isLessThanOrEqualTo(MAX_WARNINGS);
        assertThat(lines).as("the engine says once that its database is away:%n%s", report)
                .filteredOn(line -> line.getFormattedMessage().contains("is unavailable (")).hasSize(1);
    }

    private void afterOutage(Map<String, byte[]> acceptedBefore) {
        int logsBefore = logs.count();
        var content = "after the outage\n".getBytes(StandardCharsets.UTF_8);
        var response = await("an upload accepted again").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> upload(content), r -> r.status() == 202);
        var accepted = new LinkedHashMap<>(acceptedBefore);
        accepted.put(id(response), content);
        var note = client.post("/notes/after");
        assertThat(note.status()).as("%s", note).isEqualTo(202);
        notes.add(id(note));

        for (var entry : accepted.entrySet()) {
            var done = await("upload " + entry.getKey() + " processed").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> (Map<?, ?>) client.get("/files/" + entry.getKey()).json(),
                            body -> List.of("succeeded", "failed").contains(body.get("status")));
            assertThat(done.get("status")).as("%s", done).isEqualTo("succeeded");
            assertThat(((Map<?, ?>) done.get("result")).get("bytes")).isEqualTo(entry.getValue().length);
        }
        for (var id : notes) {
            var done = await("note " + id + " kept").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> engine.status(id).orElseThrow().state(), state -> state == DurableState.SUCCEEDED);
            assertThat(done).isEqualTo(DurableState.SUCCEEDED);
        }
        var stored = engine.counts().values().stream().mapToLong(byState -> byState.values().stream().mapToLong(Long::longValue).sum())
                .sum();
        assertThat(stored).as("the refused requests stored no task").isEqualTo(accepted.size() + notes.size());
        assertThat(engine.counts().get("default")).containsEntry(DurableState.SUCCEEDED, (long) accepted.size() + notes.size());
        assertThat(logs.since(logsBefore).stream().map(ILoggingEvent::getFormattedMessage))
                .anySatisfy(line -> assertThat(line).contains("is available again"));
    }
}
