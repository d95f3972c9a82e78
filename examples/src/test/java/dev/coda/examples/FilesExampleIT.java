package dev.coda.examples;

import static dev.coda.examples.FilesCluster.DONE;
import static dev.coda.examples.FilesCluster.EXIT;
import static dev.coda.examples.FilesCluster.STATES;
import static dev.coda.examples.FilesCluster.concat;
import static dev.coda.examples.FilesCluster.fieldNames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.coda.testsupport.TestPostgres;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The {@code files} example as outside users run it: the shaded jar, {@code java -jar coda-examples-*.jar files
 * [--role all|web|worker] [--work-delay D] [--data-dir DIR]}, one process per role, sharing SQLite
 * ({@code tasks.db} in the common working directory) or a PostgreSQL schema of their own
 * ({@code CODA_TASKS_URL}). Workers are killed with SIGKILL and stopped with SIGTERM while they run tasks. The
 * processes and the HTTP calls: {@link FilesCluster}; outages of the engine's server: {@link BrokerOutageIT}.
 *
 * <p>PostgreSQL: {@code CODA_TEST_PG_URL}, else {@code 127.0.0.1:5432}, database {@code test}, user
 * {@code postgres} or {@code root}; when unreachable its tests are skipped, except with {@code CI=true}.
 */
class FilesExampleIT {

    @TempDir
    Path workDir;

    private FilesCluster cluster;

    private String pgServerUrl;
    private String pgSchema;

    @BeforeEach
    void newCluster() throws IOException {
        cluster = new FilesCluster(workDir);
    }

    @AfterEach
    void stopEverything() throws Exception {
        cluster.close();
        if (pgSchema != null) {
            try (var connection = DriverManager.getConnection(pgServerUrl);
                 var statement = connection.createStatement()) {
                statement.execute("DROP SCHEMA IF EXISTS " + pgSchema + " CASCADE");
            }
        }
    }

    // ------------------------------------------------------------------ the tests

    @Test
    void role_all_on_sqlite_processes_raw_and_multipart_uploads_and_answers_404_for_an_unknown_id() throws Exception {
        var app = cluster.launch("all", "--role", "all");
        var base = cluster.awaitWeb(app);

        var text = "first line\nsecond line\r\n\nlast line without a newline – ü".getBytes(StandardCharsets.UTF_8);
        var binary = randomBytes(300_000, 42);

        var rawText = cluster.upload(base, text);
        var first = cluster.get(base, rawText);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("content-type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        var firstBody = cluster.json().readTree(first.body());
        assertThat(firstBody.get("id").asText()).isEqualTo(rawText);
        assertThat(STATES).contains(firstBody.get("status").asText());
        assertThat(firstBody.get("attempts").isInt()).as("attempts in %s", firstBody).isTrue();

        var done = cluster.awaitSucceeded(base, rawText, app);
        assertThat(fieldNames(done)).containsExactly("id", "status", "attempts", "result");
        assertThat(done.get("attempts").asInt()).isEqualTo(1);
        assertResult(done, text);

        // the same content as a form: the part named "file", even when it is not the first one
        var form = upload(base, multipart(List.of(
                new Part("note", null, "a comment, not the file".getBytes(StandardCharsets.UTF_8)),
                new Part("file", "notes.txt", text))));
        assertThat(form).isNotEqualTo(rawText);
        var formDone = cluster.awaitSucceeded(base, form, app);
        assertThat(formDone.get("result")).isEqualTo(done.get("result"));

        // without a part named "file", the first part is the upload; binary content survives both ways
        var rawBinary = cluster.upload(base, binary);
        var formBinary = upload(base, multipart(List.of(
                new Part("document", "data.bin", binary),
                new Part("note", null, "ignored".getBytes(StandardCharsets.UTF_8)))));
        assertResult(cluster.awaitSucceeded(base, rawBinary, app), binary);
        assertResult(cluster.awaitSucceeded(base, formBinary, app), binary);

        for (var unknown : List.of("no-such-file", UUID.randomUUID().toString())) {
            var missing = cluster.get(base, unknown);
            assertThat(missing.statusCode()).as("GET /files/%s", unknown).isEqualTo(404);
            assertThat(missing.headers().firstValue("content-type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
            assertThat(cluster.json().readTree(missing.body())).isEqualTo(cluster.json().readTree("{\"detail\":\"File not found\"}"));
        }

        assertThat(Files.exists(workDir.resolve("tasks.db"))).as("the SQLite engine in the working directory").isTrue();
        cluster.stopGracefully(app);
        assertThat(app.output()).doesNotContain("ERROR").doesNotContain("Exception");
    }

    @Test
    void web_and_worker_processes_share_the_sqlite_file_of_their_working_directory() throws Exception {
        splitWebAndWorker();
        assertThat(Files.exists(workDir.resolve("tasks.db"))).isTrue();
    }

    @Test
    void web_and_worker_processes_share_a_postgresql_schema() throws Exception {
        usePostgres();
        splitWebAndWorker();
        assertThat(Files.exists(workDir.resolve("tasks.db"))).as("no SQLite file when CODA_TASKS_URL is set").isFalse();
        try (var connection = DriverManager.getConnection(cluster.tasksUrl());
             var statement = connection.createStatement();
             var rows = statement.executeQuery("SELECT (SELECT count(*) FROM " + pgSchema + ".file_uploads),"
                     + " (SELECT count(*) FROM " + pgSchema + ".coda_tasks WHERE state = 'succeeded')")) {
            rows.next();
            assertThat(rows.getLong(1)).as("uploads in %s.file_uploads", pgSchema).isEqualTo(6);
            assertThat(rows.getLong(2)).as("succeeded tasks in %s.coda_tasks", pgSchema).isEqualTo(6);
        }
    }

    /** The web process alone stores tasks that stay queued; a worker started afterwards runs them, and the next ones. */
    private void splitWebAndWorker() throws Exception {
        var web = cluster.launch("web", "--role", "web");
        var base = cluster.awaitWeb(web);

        var contents = new LinkedHashMap<String, byte[]>();
        for (int i = 0; i < 4; i++) {
            var content = ("upload " + i + "\n").repeat(i * 100 + 1).getBytes(StandardCharsets.UTF_8);
            var id = cluster.upload(base, content);
            var status = cluster.status(base, id);
            assertThat(status.get("status").asText()).as("%s right after its 202, no worker running", id).isEqualTo("queued");
            assertThat(status.get("attempts").asInt()).isZero();
            assertThat(status.has("result")).isFalse();
            contents.put(id, content);
        }
        // still nothing ran: no worker exists yet, and the web process runs none
        for (var id : contents.keySet()) {
            assertThat(cluster.status(base, id).get("status").asText()).as("%s with the web process alone", id).isEqualTo("queued");
        }
        assertThat(web.output()).doesNotContain("Worker ");

        var worker = cluster.launch("worker", "--role", "worker");
        cluster.awaitWorker(worker);
        for (var entry : contents.entrySet()) {
            var done = cluster.awaitSucceeded(base, entry.getKey(), worker);
            assertThat(done.get("attempts").asInt()).isEqualTo(1);
            assertResult(done, entry.getValue());
        }

        // uploads made while the worker waits for work are run too
        var later = new LinkedHashMap<String, byte[]>();
        for (int i = 0; i < 2; i++) {
            var content = randomBytes(10_000 + i, i);
            later.put(cluster.upload(base, content), content);
        }
        for (var entry : later.entrySet()) {
            assertResult(cluster.awaitSucceeded(base, entry.getKey(), worker), entry.getValue());
        }

        cluster.stopGracefully(worker);
        cluster.stopGracefully(web);
        for (var proc : List.of(web, worker)) {
            assertThat(proc.output()).as("%s output", proc.name()).doesNotContain("ERROR").doesNotContain("Exception");
        }
    }

    enum Engine { SQLITE, POSTGRESQL }

    /**
     * Two workers and a web process; once tasks run, the worker holding them is killed with SIGKILL. The
     * other runs them again after their lease (10 s): every upload succeeds, none is lost. On SQLite the
     * uploads are files in {@code --data-dir}, on PostgreSQL rows of {@code file_uploads}.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Engine.class)
    void a_worker_killed_with_sigkill_while_running_uploads_loses_none_of_them(Engine engine) throws Exception {
        var options = new ArrayList<>(List.of("--work-delay", "3s"));
        if (engine == Engine.POSTGRESQL) {
            usePostgres();
        } else {
            options.addAll(List.of("--data-dir", workDir.resolve("shared-uploads").toString()));
        }
        // all three start at once, as a deployment would start them (they create the schema together)
        var web = cluster.launch("web", concat(List.of("--role", "web"), options));
        var workerA = cluster.launch("worker-a", concat(List.of("--role", "worker"), options));
        var workerB = cluster.launch("worker-b", concat(List.of("--role", "worker"), options));
        var base = cluster.awaitWeb(web);
        cluster.awaitWorker(workerA);
        cluster.awaitWorker(workerB);

        var contents = new LinkedHashMap<String, byte[]>();
        for (int i = 0; i < 6; i++) {
            var content = randomBytes(1_000 * (i + 1), 100 + i);
            contents.put(cluster.upload(base, content), content);
        }

        // as soon as a worker runs some, kill it (a task takes 3 s: it dies in the middle of all of them)
        var workers = Map.of(workerA.pid(), workerA, workerB.pid(), workerB);
        var running = new LinkedHashMap<String, Long>();
        await("a worker running uploads").atMost(DONE).pollInterval(Duration.ofMillis(50))
                .failFast("a worker exited", () -> !workerA.isAlive() || !workerB.isAlive())
                .until(() -> {
                    running.clear();
                    running.putAll(runningTasksByWorkerPid());
                    return !running.isEmpty();
                });
        var victimPid = running.values().stream()
                .collect(Collectors.groupingBy(pid -> pid, Collectors.counting()))
                .entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        var victim = workers.get(victimPid);
        assertThat(victim).as("the lease owner %s is one of the worker processes %s", victimPid, workers.keySet()).isNotNull();
        var survivor = victim == workerA ? workerB : workerA;
        var orphans = running.entrySet().stream().filter(e -> e.getValue().equals(victimPid)).map(Map.Entry::getKey).toList();
        assertThat(contents.keySet()).containsAll(orphans);

        victim.process().destroyForcibly(); // SIGKILL
        assertThat(victim.process().waitFor(EXIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        long killedAt = System.nanoTime();
        assertThat(victim.process().exitValue()).isEqualTo(137);

        for (var entry : contents.entrySet()) {
            var done = cluster.awaitSucceeded(base, entry.getKey(), survivor);
            assertResult(done, entry.getValue());
            if (orphans.contains(entry.getKey())) {
                assertThat(done.get("attempts").asInt()).as("%s, running on the killed worker, ran again", entry.getKey()).isEqualTo(2);
            } else {
                assertThat(done.get("attempts").asInt()).as("attempts of %s", entry.getKey()).isBetween(1, 2);
            }
        }
        System.out.printf("%s: %d upload(s) of the SIGKILLed worker recovered by the other within %d ms of the kill%n",
                engine, orphans.size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));
        for (var orphan : orphans) {
            assertThat(survivor.output()).contains("Recovered durable task FileJobs.process (" + orphan + ") from worker");
        }
        if (engine == Engine.SQLITE) {
            try (var files = Files.list(workDir.resolve("shared-uploads"))) {
                assertThat(files.map(f -> f.getFileName().toString()).toList()).as("the upload files").hasSize(contents.size())
                        .noneMatch(name -> name.endsWith(".part"));
            }
        }

        assertThat(survivor.isAlive()).isTrue();
        cluster.stopGracefully(survivor);
        cluster.stopGracefully(web);
        assertThat(web.output()).doesNotContain("ERROR").doesNotContain("Exception");
        assertThat(survivor.output()).doesNotContain("ERROR").doesNotContain("Exception");
    }

    /**
     * SIGKILL of the web process while four clients upload as fast as it answers: an upload answered {@code 202} was
     * stored before the answer, so a worker started afterwards (with a new web process) processes every one of them.
     * Requests cut by the kill got no answer; their task may or may not be stored (nobody was told either way).
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Engine.class)
    void a_web_process_killed_with_sigkill_loses_none_of_the_uploads_it_answered_202(Engine engine) throws Exception {
        if (engine == Engine.POSTGRESQL) {
            usePostgres();
        }
        var web = cluster.launch("web", "--role", "web");
        var base = cluster.awaitWeb(web);

        var accepted = new ConcurrentHashMap<String, byte[]>();
        var clients = Executors.newFixedThreadPool(4);
        var stop = new AtomicBoolean();
        for (int c = 0; c < 4; c++) {
            int client = c;
            clients.submit(() -> {
                for (int i = 0; !stop.get(); i++) {
                    var content = ("client " + client + " upload " + i + "\n").repeat(i % 7 + 1).getBytes(StandardCharsets.UTF_8);
                    try {
                        var response = cluster.send(HttpRequest.newBuilder(base.resolve("/files"))
                                .header("Content-Type", "application/octet-stream")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(content)));
                        if (response.statusCode() == 202) {
                            accepted.put(cluster.json().readTree(response.body()).get("id").asText(), content);
                        }
                    } catch (IOException e) {
                        return null;                                // the kill cut the connection
                    }
                }
                return null;
            });
        }
        await("uploads accepted").atMost(DONE).until(() -> accepted.size() >= 20);
        web.process().destroyForcibly(); // SIGKILL, while uploads are in flight
        assertThat(web.process().waitFor(EXIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        stop.set(true);
        clients.shutdown();
        assertThat(clients.awaitTermination(EXIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        var answered = Map.copyOf(accepted);

        var web2 = cluster.launch("web-2", "--role", "web");
        var worker = cluster.launch("worker", "--role", "worker");
        var base2 = cluster.awaitWeb(web2);
        cluster.awaitWorker(worker);
        for (var entry : answered.entrySet()) {
            assertResult(cluster.awaitSucceeded(base2, entry.getKey(), worker), entry.getValue());
        }
        System.out.printf("%s: %d upload(s) answered 202 before the web process was killed, all processed afterwards%n", engine,
                answered.size());
        cluster.stopGracefully(worker);
        cluster.stopGracefully(web2);
    }

    /**
     * SIGTERM while a worker runs uploads: it claims nothing more, lets the running ones finish (5 s, within its
     * 30 s shutdown deadline), gives back the rest and exits; no task is left leased to it. A new worker runs
     * what remains, each upload exactly once. Uploads in {@code --data-dir}, relative to the common working directory.
     */
    @Test
    void a_worker_stopped_with_sigterm_finishes_its_running_uploads_and_a_new_worker_runs_the_rest() throws Exception {
        var options = List.of("--work-delay", "5s", "--data-dir", "uploads");
        var web = cluster.launch("web", concat(List.of("--role", "web"), options));
        var first = cluster.launch("worker-1", concat(List.of("--role", "worker"), options));
        var base = cluster.awaitWeb(web);
        cluster.awaitWorker(first);

        var contents = new LinkedHashMap<String, byte[]>();
        for (int i = 0; i < 10; i++) {
            var content = ("line " + i + "\n").repeat(i + 1).getBytes(StandardCharsets.UTF_8);
            contents.put(cluster.upload(base, content), content);
        }
        var runningAtSigterm = new ArrayList<String>();
        await("the worker running uploads").atMost(DONE).pollInterval(Duration.ofMillis(50))
                .failFast("the worker exited", () -> !first.isAlive())
                .until(() -> {
                    runningAtSigterm.clear();
                    for (var id : contents.keySet()) {
                        if (cluster.status(base, id).get("status").asText().equals("running")) {
                            runningAtSigterm.add(id);
                        }
                    }
                    return !runningAtSigterm.isEmpty();
                });

        first.process().destroy(); // SIGTERM
        assertThat(first.process().waitFor(EXIT.toSeconds(), TimeUnit.SECONDS)).as("worker-1 exited within %s", EXIT).isTrue();
        assertThat(first.process().exitValue()).as("exit code; output:%n%s", first.output()).isIn(0, 143);
        assertThat(first.output()).contains(" stopped").doesNotContain("ERROR").doesNotContain("Exception");

        // nothing is left leased to the stopped worker: each upload is done or back in the queue
        var afterStop = new LinkedHashMap<String, JsonNode>();
        for (var id : contents.keySet()) {
            afterStop.put(id, cluster.status(base, id));
        }
        assertThat(afterStop.values()).as("statuses after worker-1 exited")
                .allSatisfy(s -> assertThat(s.get("status").asText()).isIn("succeeded", "queued"));
        for (var id : runningAtSigterm) {
            assertThat(afterStop.get(id).get("status").asText()).as("%s, running at SIGTERM", id).isEqualTo("succeeded");
            assertResult(afterStop.get(id), contents.get(id));
        }
        // it runs 8 at a time and stopped before any of them could end (5 s): at least 2 were never started
        assertThat(afterStop.values().stream().filter(s -> s.get("status").asText().equals("queued")).count())
                .as("uploads left queued").isGreaterThanOrEqualTo(2);

        var second = cluster.launch("worker-2", concat(List.of("--role", "worker"), options));
        cluster.awaitWorker(second);
        for (var entry : contents.entrySet()) {
            var done = cluster.awaitSucceeded(base, entry.getKey(), second);
            assertResult(done, entry.getValue());
            assertThat(done.get("attempts").asInt()).as("attempts of %s (a given-back attempt does not count)", entry.getKey())
                    .isEqualTo(1);
        }
        try (var files = Files.list(workDir.resolve("uploads"))) {
            assertThat(files.count()).as("files in --data-dir uploads of the working directory").isEqualTo(contents.size());
        }

        cluster.stopGracefully(second);
        cluster.stopGracefully(web);
        assertThat(second.output()).doesNotContain("ERROR").doesNotContain("Exception");
    }

    private String upload(URI base, Multipart form) throws IOException, InterruptedException {
        return cluster.accepted(cluster.send(HttpRequest.newBuilder(base.resolve("/files"))
                .header("Content-Type", "multipart/form-data; boundary=" + form.boundary())
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.body()))));
    }

    // ------------------------------------------------------------------ contents

    private static void assertResult(JsonNode done, byte[] content) throws Exception {
        var result = done.get("result");
        assertThat(result).as("result of %s", done).isNotNull();
        assertThat(fieldNames(result)).containsExactlyInAnyOrder("bytes", "lines", "sha256");
        assertThat(result.get("bytes").asLong()).isEqualTo(content.length);
        assertThat(result.get("lines").asLong()).isEqualTo(lines(content));
        assertThat(result.get("sha256").asText())
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)));
    }

    /** Lines as {@code wc -l} counts them, plus a last one without its newline. */
    private static long lines(byte[] content) {
        long newlines = 0;
        for (byte b : content) {
            if (b == '\n') {
                newlines++;
            }
        }
        return newlines + (content.length > 0 && content[content.length - 1] != '\n' ? 1 : 0);
    }

    private static byte[] randomBytes(int size, long seed) {
        var bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private record Part(String name, String filename, byte[] content) {
    }

    private record Multipart(String boundary, byte[] body) {
    }

    /** A {@code multipart/form-data} body written by hand. */
    private static Multipart multipart(List<Part> parts) throws IOException {
        var boundary = "----coda-files-it-" + UUID.randomUUID();
        var body = new ByteArrayOutputStream();
        for (var part : parts) {
            var head = new StringBuilder("--").append(boundary).append("\r\n")
                    .append("Content-Disposition: form-data; name=\"").append(part.name()).append('"');
            if (part.filename() != null) {
                head.append("; filename=\"").append(part.filename()).append('"').append("\r\n")
                        .append("Content-Type: application/octet-stream");
            }
            head.append("\r\n\r\n");
            body.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            body.write(part.content());
            body.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return new Multipart(boundary, body.toByteArray());
    }

    // ------------------------------------------------------------------ engines

    /** Task id → pid of the worker process holding its lease, for the running tasks (read in the engine's table). */
    private Map<String, Long> runningTasksByWorkerPid() throws SQLException {
        var url = cluster.tasksUrl() != null ? cluster.tasksUrl() : "jdbc:sqlite:" + workDir.resolve("tasks.db");
        var table = cluster.tasksUrl() != null ? pgSchema + ".coda_tasks" : "coda_tasks";
        var running = new LinkedHashMap<String, Long>();
        try (var connection = DriverManager.getConnection(url);
             var statement = connection.createStatement();
             var rows = statement.executeQuery("SELECT id, lease_owner FROM " + table + " WHERE state = 'running' ORDER BY id")) {
            while (rows.next()) {
                var owner = rows.getString(2).split(":");                         // host:pid:random
                running.put(rows.getString(1), Long.parseLong(owner[owner.length - 2]));
            }
        }
        return running;
    }

    /** Runs the processes on a fresh schema of the test PostgreSQL server, dropped after the test. */
    private void usePostgres() throws SQLException {
        pgServerUrl = TestPostgres.url();
        pgSchema = "files_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (var connection = DriverManager.getConnection(pgServerUrl);
             var statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + pgSchema);
        }
        cluster.tasksUrl(pgServerUrl + (pgServerUrl.contains("?") ? "&" : "?") + "currentSchema=" + pgSchema);
    }
}
