package dev.coda.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import dev.coda.testsupport.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real shaded jar, as a user would: {@code java -jar coda-examples-*.jar items} (or {@code tutorial001},
 * {@code tutorial002}), with {@code PORT} in the environment and a temporary working directory.
 */
class ExamplesJarIT {

    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final Duration EXIT = Duration.ofSeconds(30);

    private static Path jar;

    @TempDir
    Path workDir;

    private final List<Process> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    @BeforeAll
    static void findTheShadedJar() throws IOException {
        jar = FilesCluster.shadedJar();
    }

    @AfterEach
    void killLeftovers() throws InterruptedException {
        for (var process : processes) {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(EXIT.toSeconds(), TimeUnit.SECONDS);
            }
        }
        http.close();
    }

    private Process launch(int port, String... args) throws IOException {
        var command = new ArrayList<String>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of(args));
        var builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve("output.log").toFile());
        builder.environment().put("PORT", String.valueOf(port));
        builder.environment().put("HOST", "127.0.0.1");
        var process = builder.start();
        processes.add(process);
        return process;
    }

    private String output() throws IOException {
        return Files.readString(workDir.resolve("output.log"), StandardCharsets.UTF_8);
    }


    private static boolean refusesConnections(int port) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            return false;
        } catch (ConnectException refused) {
            return true;
        } catch (IOException other) {
            return false;
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theJarCarriesTheClassesOfThisBuildOfEveryCodaModule() throws IOException {
        var root = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();
        var classDirs = Stream.of("coda-tasks", "coda-web", "coda-durable", "coda-durable-redis", "coda-durable-rabbitmq", "coda-dashboard",
                        "examples")
                .map(module -> root.resolve(module).resolve("target/classes")).toList();
        var stale = new ArrayList<String>();
        int compared = 0;
        try (var zip = new ZipFile(jar.toFile())) {
            for (var entry : Collections.list(zip.entries())) {
                if (!entry.getName().startsWith("dev/coda/") || !entry.getName().endsWith(".class")) {
                    continue;
                }
                var built = classDirs.stream().map(dir -> dir.resolve(entry.getName())).filter(Files::isRegularFile).findFirst();
                try (var in = zip.getInputStream(entry)) {
                    if (built.isEmpty() || !Arrays.equals(in.readAllBytes(), Files.readAllBytes(built.get()))) {
                        stale.add(entry.getName());
                    }
                }
                compared++;
            }
        }
        assertThat(compared).as("Coda classes in %s", jar).isGreaterThan(100);
        assertThat(stale).as("classes of %s that differ from target/classes of their module", jar).isEmpty();
    }

    @Test
    void the_items_example_serves_fastapis_readme_app_and_stops_on_sigterm() throws Exception {
        int port = FreePorts.take();
        var base = URI.create("http://127.0.0.1:" + port);
        var process = launch(port, "items");

        await("GET / answered by the jar").atMost(STARTUP).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .failFast("the process exited", () -> !process.isAlive())
                .until(() -> send(HttpRequest.newBuilder(base.resolve("/"))).body(), body -> body.equals("{\"Hello\":\"World\"}"));
        assertThat(output()).contains("Coda is listening on http://127.0.0.1:" + port);

        var item = send(HttpRequest.newBuilder(base.resolve("/items/5?q=somequery")));
        assertThat(item.statusCode()).isEqualTo(200);
        assertThat(item.headers().firstValue("content-type")).contains("application/json");
        assertThat(item.body()).isEqualTo("{\"item_id\":5,\"q\":\"somequery\"}");
        assertThat(item.headers().firstValue("content-length")).contains("29");

        var notAnInteger = send(HttpRequest.newBuilder(base.resolve("/items/foo")));
        assertThat(notAnInteger.statusCode()).isEqualTo(422);
        assertThat(notAnInteger.headers().firstValue("content-type")).contains("application/json");
        assertThat(notAnInteger.body()).contains("\"loc\":[\"path\",\"item_id\"]");

        var update = send(HttpRequest.newBuilder(base.resolve("/items/5"))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"name\":\"x\",\"price\":1.5}"))
                .header("Content-Type", "application/json"));
        assertThat(update.statusCode()).isEqualTo(200);
        assertThat(update.body()).isEqualTo("{\"item_name\":\"x\",\"item_id\":5}");

        var document = send(HttpRequest.newBuilder(base.resolve("/openapi.json")));
        assertThat(document.statusCode()).isEqualTo(200);
        assertThat(document.body()).contains("\"openapi\":\"3.1.0\"", "\"/items/{item_id}\"", "\"operationId\":\"update_item_items__item_id__put\"");
        var docs = send(HttpRequest.newBuilder(base.resolve("/docs")));
        assertThat(docs.statusCode()).isEqualTo(200);
        var bundle = java.util.regex.Pattern.compile("src=\"(/docs/assets/[^\"]+/swagger-ui-bundle\\.js)\"").matcher(docs.body());
        assertThat(bundle.find()).as("the page loads Swagger UI from the app: %s", docs.body()).isTrue();
        var script = send(HttpRequest.newBuilder(base.resolve(bundle.group(1))));
        assertThat(script.statusCode()).as("Swagger UI's bundle, from the webjar inside the shaded jar").isEqualTo(200);
        assertThat(script.body().length()).isGreaterThan(100_000);

        process.destroy(); // SIGTERM on Linux

        assertThat(process.waitFor(EXIT.toSeconds(), TimeUnit.SECONDS)).as("exited within %s", EXIT).isTrue();
        assertThat(process.exitValue()).as("exit code; output:%n%s", output()).isIn(0, 143);
        assertThat(refusesConnections(port)).isTrue();
    }

    @Test
    void the_events_example_streams_server_sent_events_and_refuses_a_negative_count() throws Exception {
        int port = FreePorts.take();
        var base = URI.create("http://127.0.0.1:" + port);
        var process = launch(port, "events");

        await("GET /events answered by the jar").atMost(STARTUP).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .failFast("the process exited", () -> !process.isAlive())
                .until(() -> send(HttpRequest.newBuilder(base.resolve("/events?count=2"))).statusCode(), status -> status == 200);

        var events = send(HttpRequest.newBuilder(base.resolve("/events?count=2&delay=0.01")));
        assertThat(events.headers().firstValue("content-type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
        assertThat(events.body()).isEqualTo("data: {\"n\":0}\n\ndata: {\"n\":1}\n\n");
        var negative = send(HttpRequest.newBuilder(base.resolve("/events?count=-1")));
        assertThat(negative.statusCode()).isEqualTo(422);
        assertThat(negative.body()).contains("\"loc\":[\"query\",\"count\"]");

        stopsCleanlyOnSigterm(process, port);
    }

    /** Waits until the example answers anything over HTTP; a GET on a POST route writes nothing. */
    private void awaitListening(Process process, URI probe) {
        await("the jar answering " + probe).atMost(STARTUP).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .failFast("the process exited", () -> !process.isAlive())
                .until(() -> send(HttpRequest.newBuilder(probe)).statusCode(), status -> status == 405);
    }

    private HttpResponse<String> post(URI uri) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody()));
    }

    private void awaitLog(String expected) {
        var log = workDir.resolve("log.txt");
        await("log.txt in the working directory to read " + expected.replace("\n", "\\n"))
                .atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                .until(() -> Files.readString(log, StandardCharsets.UTF_8), expected::equals);
    }

    private void stopsCleanlyOnSigterm(Process process, int port) throws Exception {
        process.destroy(); // SIGTERM on Linux

        assertThat(process.waitFor(EXIT.toSeconds(), TimeUnit.SECONDS)).as("exited within %s", EXIT).isTrue();
        assertThat(process.exitValue()).as("exit code; output:%n%s", output()).isIn(0, 143);
        assertThat(output()).doesNotContain("ERROR").doesNotContain("Exception");
        assertThat(refusesConnections(port)).isTrue();
    }

    /** FastAPI's {@code test_tutorial001.py::test} against the real jar: {@code log.txt} in its working directory, mode "w". */
    @Test
    void tutorial001_writes_each_notification_over_log_txt_in_its_working_directory() throws Exception {
        int port = FreePorts.take();
        var base = URI.create("http://127.0.0.1:" + port);
        var process = launch(port, "tutorial001");
        awaitListening(process, base.resolve("/send-notification/probe@example.com"));

        var response = post(base.resolve("/send-notification/foo@example.com"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).contains("application/json");
        assertThat(response.body()).isEqualTo("{\"message\":\"Notification sent in the background\"}");
        awaitLog("notification for foo@example.com: some notification");

        assertThat(post(base.resolve("/send-notification/b@example.com")).statusCode()).isEqualTo(200);
        awaitLog("notification for b@example.com: some notification");

        stopsCleanlyOnSigterm(process, port);
        assertThat(Files.readString(workDir.resolve("log.txt"))).as("log.txt after the stop")
                .isEqualTo("notification for b@example.com: some notification");
    }

    /** FastAPI's {@code test_tutorial002.py::test} against the real jar, then more requests appending to {@code log.txt}. */
    @Test
    void tutorial002_appends_the_query_then_the_message_to_log_txt_in_its_working_directory() throws Exception {
        int port = FreePorts.take();
        var base = URI.create("http://127.0.0.1:" + port);
        var process = launch(port, "tutorial002");
        awaitListening(process, base.resolve("/send-notification/probe@example.com"));

        var response = post(base.resolve("/send-notification/foo@example.com?q=some-query"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).contains("application/json");
        assertThat(response.body()).isEqualTo("{\"message\":\"Message sent\"}");
        awaitLog("found query: some-query\nmessage to foo@example.com\n");

        assertThat(post(base.resolve("/send-notification/bar@example.com")).statusCode()).isEqualTo(200);
        awaitLog("found query: some-query\nmessage to foo@example.com\nmessage to bar@example.com\n");

        assertThat(post(base.resolve("/send-notification/baz@example.com?q=")).statusCode()).isEqualTo(200);
        awaitLog("found query: some-query\nmessage to foo@example.com\nmessage to bar@example.com\nmessage to baz@example.com\n");

        stopsCleanlyOnSigterm(process, port);
        assertThat(Files.readString(workDir.resolve("log.txt"))).as("log.txt after the stop")
                .isEqualTo("found query: some-query\nmessage to foo@example.com\nmessage to bar@example.com\nmessage to baz@example.com\n");
    }

    @Test
    void a_port_already_in_use_makes_the_process_exit_with_an_error_instead_of_hanging() throws Exception {
        try (var taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            var process = launch(taken.getLocalPort(), "items");

            assertThat(process.waitFor(EXIT.toSeconds(), TimeUnit.SECONDS)).as("exited within %s", EXIT).isTrue();
            assertThat(process.exitValue()).isNotZero();
            assertThat(output()).contains("could not start on 127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void the_events_example_refuses_a_bad_connection_limit_with_its_usage_and_code_2() throws Exception {
        var process = launch(FreePorts.take(), "events", "--max-connections", "many");

        assertThat(process.waitFor(EXIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(output()).contains("usage: events [--max-connections N]").doesNotContain("Exception");
    }

    @Test
    void an_unknown_example_name_exits_with_code_2_and_lists_the_examples() throws Exception {
        var process = launch(FreePorts.take(), "no-such-example");

        assertThat(process.waitFor(EXIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(output()).contains("usage:").contains("items, tutorial001, tutorial002");
    }

    @Test
    void no_example_name_exits_with_code_2_and_lists_the_examples() throws Exception {
        var process = launch(FreePorts.take());

        assertThat(process.waitFor(EXIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(output()).contains("usage:").contains("items");
    }
}
