package dev.coda.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The {@code files} example's processes as outside users run them ({@code java -jar coda-examples-*.jar files ...},
 * one process per role, in a common working directory, sharing {@code CODA_TASKS_URL} or its SQLite file), and its
 * HTTP API as a test drives it. Closing it kills the processes left.
 *
 * <pre>{@code
 * try (var cluster = new FilesCluster(workDir)) {
 *     cluster.tasksUrl(server.url("files_it"));
 *     var web = cluster.launch("web", List.of("--role", "web"));
 *     var base = cluster.awaitWeb(web);
 *     var id = cluster.upload(base, bytes);
 *     cluster.awaitSucceeded(base, id, worker);
 * }
 * }</pre>
 */
final class FilesCluster implements AutoCloseable {

    static final Duration STARTUP = Duration.ofSeconds(60);
    /** A worker's graceful stop waits up to 30 s for its running tasks. */
    static final Duration EXIT = Duration.ofSeconds(45);
    /** Generous: a lost task waits for its lease (10 s) before another worker runs it. */
    static final Duration DONE = Duration.ofSeconds(60);
    static final Set<String> STATES = Set.of("queued", "scheduled", "running", "succeeded", "failed", "cancelled");
    static final Set<String> FINAL_STATES = Set.of("succeeded", "failed", "cancelled");

    private final Path workDir;
    private final Path jar;
    private final List<Proc> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private final ObjectMapper json = new ObjectMapper();
    /** {@code CODA_TASKS_URL} of the processes, or {@code null} for SQLite in the working directory. */
    private String tasksUrl;

    /**
     * One child process, its output in {@code <name>.log} of the working directory, serving HTTP on the port it chose
     * (launched with {@code PORT=0}: a port picked here and closed before the child binds it could be taken between).
     */
    record Proc(String name, Process process, Path log) {

        private static final Pattern LISTENING = Pattern.compile("Coda is listening on http://127\\.0\\.0\\.1:(\\d+)");

        /** The port it listens on, from its log; empty until it says so. */
        OptionalInt listening() {
            var matcher = LISTENING.matcher(output());
            return matcher.find() ? OptionalInt.of(Integer.parseInt(matcher.group(1))) : OptionalInt.empty();
        }

        int port() {
            return listening().orElseThrow(() -> new IllegalStateException(name + " is not listening yet; output:\n" + output()));
        }

        URI base() {
            return URI.create("http://127.0.0.1:" + port());
        }

        String output() {
            try {
                return Files.readString(log, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(no output: " + e + ")";
            }
        }

        long pid() {
            return process.pid();
        }

        boolean isAlive() {
            return process.isAlive();
        }
    }

    FilesCluster(Path workDir) throws IOException {
        this.workDir = workDir;
        this.jar = shadedJar();
    }

    /** The engine of the processes launched from now on: {@code CODA_TASKS_URL}, or {@code null} for SQLite. */
    void tasksUrl(String url) {
        this.tasksUrl = url;
    }

    String tasksUrl() {
        return tasksUrl;
    }

    ObjectMapper json() {
        return json;
    }

    // ------------------------------------------------------------------ processes

    Proc launch(String name, String... args) throws IOException {
        return launch(name, List.of(args));
    }

    Proc launch(String name, List<String> args) throws IOException {
        return launch(name, args, Map.of());
    }

    /** Launches a process with more environment variables (e.g. {@code OTEL_*}). */
    Proc launch(String name, List<String> args, Map<String, String> environment) throws IOException {
        var command = new ArrayList<String>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        command.add("-jar");
        command.add(jar.toString());
        command.add("files");
        command.addAll(args);
        var log = workDir.resolve(name + ".log");
        var builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("PORT", "0");
        builder.environment().put("HOST", "127.0.0.1");
        builder.environment().remove("CODA_TASKS_URL");
        if (tasksUrl != null) {
            builder.environment().put("CODA_TASKS_URL", tasksUrl);
        }
        builder.environment().putAll(environment);
        var proc = new Proc(name, builder.start(), log);
        processes.add(proc);
        return proc;
    }

    /** Waits for the process to listen and answer HTTP; its base URI. */
    URI awaitWeb(Proc web) {
        awaitListening(web);
        var base = web.base();
        await(web.name() + " answering on " + base).atMost(STARTUP).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .failFast(web.name() + " exited", () -> !web.isAlive())
                .until(() -> get(base, "readiness-probe").statusCode(), status -> status == 404);
        return base;
    }

    private static void awaitListening(Proc proc) {
        await(proc.name() + " listening").atMost(STARTUP).pollInterval(Duration.ofMillis(100))
                .failFast(proc.name() + " exited", () -> !proc.isAlive())
                .until(() -> proc.listening().isPresent());
    }

    /** Waits for the worker to run, serving the dashboard alone on its port (no API: {@code /files} is not there). */
    void awaitWorker(Proc worker) throws IOException, InterruptedException {
        await(worker.name() + " started").atMost(STARTUP).pollInterval(Duration.ofMillis(100))
                .failFast(worker.name() + " exited", () -> !worker.isAlive())
                .until(() -> worker.output().contains("Worker ") && worker.output().contains(" started: ")
                        && worker.listening().isPresent());
        var base = worker.base();
        assertThat(send(HttpRequest.newBuilder(base.resolve("/dashboard/"))).statusCode()).as("the worker's dashboard").isEqualTo(200);
        assertThat(post(base, new byte[] {1}).statusCode()).as("POST /files on the worker").isEqualTo(404);
    }

    void stopGracefully(Proc proc) throws InterruptedException {
        proc.process().destroy(); // SIGTERM
        assertThat(proc.process().waitFor(EXIT.toSeconds(), TimeUnit.SECONDS)).as("%s exited within %s", proc.name(), EXIT).isTrue();
        assertThat(proc.process().exitValue()).as("%s exit code; output:%n%s", proc.name(), proc.output()).isIn(0, 143);
    }

    /** Kills the processes still running (SIGKILL) and waits for them. */
    @Override
    public void close() throws InterruptedException {
        for (var proc : processes) {
            if (proc.isAlive()) {
                proc.process().destroyForcibly();
            }
        }
        for (var proc : processes) {
            proc.process().waitFor(EXIT.toSeconds(), TimeUnit.SECONDS);
        }
        http.close();
    }

    static List<String> concat(List<String> a, List<String> b) {
        var all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** The runnable jar built at package: {@code target/coda-examples-*.jar}. */
    static Path shadedJar() throws IOException {
        var target = Path.of(System.getProperty("basedir", ".")).resolve("target");
        try (Stream<Path> files = Files.list(target)) {
            var jars = files.map(Path::getFileName).map(Path::toString)
                    .filter(name -> name.contains("examples") && name.endsWith(".jar") && !name.startsWith("original-"))
                    .toList();
            assertThat(jars).as("runnable jars in %s", target.toAbsolutePath()).hasSize(1);
            return target.resolve(jars.getFirst()).toAbsolutePath();
        }
    }

    // ------------------------------------------------------------------ HTTP

    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(URI base, String id) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve("/files/" + id)));
    }

    /** {@code POST /files} of raw bytes, whatever it answers. */
    HttpResponse<String> post(URI base, byte[] content) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve("/files"))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(content)));
    }

    JsonNode status(URI base, String id) throws IOException, InterruptedException {
        var response = get(base, id);
        assertThat(response.statusCode()).as("GET /files/%s: %s", id, response.body()).isEqualTo(200);
        var body = json.readTree(response.body());
        assertThat(body.get("id").asText()).isEqualTo(id);
        assertThat(STATES).as("states").contains(body.get("status").asText());
        return body;
    }

    /** Posts raw bytes; checks the {@code 202}; returns the id. */
    String upload(URI base, byte[] content) throws IOException, InterruptedException {
        return accepted(post(base, content));
    }

    /** Checks a {@code 202} of {@code POST /files}; returns the id. */
    String accepted(HttpResponse<String> response) throws IOException {
        assertThat(response.statusCode()).as("POST /files: %s", response.body()).isEqualTo(202);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        var body = json.readTree(response.body());
        assertThat(fieldNames(body)).containsExactlyInAnyOrder("id", "status");
        assertThat(body.get("status").asText()).isEqualTo("queued");
        var id = body.get("id").asText();
        assertThat(id).isNotBlank();
        assertThat(response.headers().firstValue("location")).contains("/files/" + id);
        return id;
    }

    /** Waits until the upload is done, then checks that it succeeded. */
    JsonNode awaitSucceeded(URI base, String id, Proc worker) {
        return awaitSucceeded(base, id, worker, DONE);
    }

    /** As {@link #awaitSucceeded(URI, String, Proc)}, waiting at most {@code atMost}. */
    JsonNode awaitSucceeded(URI base, String id, Proc worker, Duration atMost) {
        var last = new JsonNode[1];
        // first look at once: Awaitility's first poll otherwise waits a poll interval, which a loop over many uploads adds up
        await("upload " + id + " processed").atMost(atMost).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
                .failFast(worker.name() + " exited", () -> !worker.isAlive())
                .until(() -> {
                    last[0] = status(base, id);
                    return FINAL_STATES.contains(last[0].get("status").asText());
                });
        assertThat(last[0].get("status").asText()).as("%s; %s output:%n%s", last[0], worker.name(), worker.output())
                .isEqualTo("succeeded");
        return last[0];
    }

    static List<String> fieldNames(JsonNode node) {
        var names = new ArrayList<String>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
