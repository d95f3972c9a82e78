package dev.coda.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.tools.ToolProvider;
import dev.coda.testsupport.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The libraries are named modules ({@code dev.coda.web}, {@code dev.coda.durable}, {@code dev.coda.tasks}): an
 * application that is a module itself compiles against their API packages only, and runs on the module path with
 * its routes, error shapes, documents, background tasks and a durable task on SQLite working as on the class path,
 * with the flags {@code docs/architecture.md} lists.
 * The module path is the examples' runtime dependencies, as the build lists them in
 * {@code target/runtime-classpath.txt}.
 */
class ModulePathTest {

    private static final String APP_MODULE = """
            module app {
                requires dev.coda.web;
                requires dev.coda.durable;
                opens app to dev.coda.web, dev.coda.tasks, dev.coda.durable, com.fasterxml.jackson.databind;
            }
            """;

    private static final String APP = """
            package app;

            import dev.coda.Coda;
            import dev.coda.Get;
            import dev.coda.Post;
            import dev.coda.durable.DurableTasks;
            import dev.coda.durable.TaskEngine;
            import dev.coda.tasks.BackgroundTasks;
            import java.io.IOException;
            import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
            import java.nio.file.Path;
            import java.util.Map;
            import java.util.Optional;

            public final class Main {
                public record Item(int id, Optional<String> q) {
                }

                static void write(String name, String text) throws IOException {
                    Files.writeString(Path.of(name), text);
                }

                @Get("/items/{id}")
                public Item read(int id, Optional<String> q) {
                    return new Item(id, q);
                }

                @Post("/notes/{text}")
                public Map<String, String> note(String text, BackgroundTasks tasks) {
                    tasks.addTask(Main::write, "in-process.txt", text);
                    return Map.of("message", "noted");
                }

                @Post("/durable/{text}")
                public Map<String, String> durable(String text, BackgroundTasks tasks) {
                    tasks.addTask(Main::write, "durable.txt", text);
                    return Map.of("message", "stored");
                }

                public static void main(String[] args) {
                    var durable = DurableTasks.on(TaskEngine.sqlite(Path.of("tasks.db"))).task(Main::write).build();
                    durable.worker().start();
                    Coda.app().routes(new Main()).durable(durable).build().start();
                }
            }
            """;

    @TempDir
    Path dir;

    private Process process;

    @BeforeEach
    void compileTheApp() throws IOException {
        var errors = compile(APP_MODULE, APP, dir.resolve("classes"));
        assertThat(errors).as("the app compiles against the API packages").isEmpty();
    }

    @AfterEach
    void stopTheApp() throws InterruptedException {
        if (process != null) {
            process.destroy();
            process.waitFor();
        }
    }

    @Test
    void anAppModuleCannotReachTheLibrariesInternalPackages() throws IOException {
        var errors = compile(APP_MODULE, APP.replace("public final class Main {",
                "public final class Main {\n    static Object reach = dev.coda.internal.Names.class;"), dir.resolve("other"));

        assertThat(errors).contains("package dev.coda.internal is not visible")
                .contains("declared in module dev.coda.web, which does not export it");
    }

    @Test
    void anAppModuleRunsOnTheModulePath() throws Exception {
        int port = FreePorts.take();
        var java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var workdir = Files.createDirectories(dir.resolve("run"));
        var command = new ProcessBuilder(java, "--enable-native-access=org.xerial.sqlitejdbc,dev.coda.tasks",
                "--add-exports", "org.eclipse.jetty.server/org.eclipse.jetty.server.internal=dev.coda.web",
                "--module-path", dir.resolve("classes") + File.pathSeparator + modulePath(), "-m", "app/app.Main")
                .directory(workdir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("app.log").toFile());
        command.environment().put("PORT", Integer.toString(port));
        process = command.start();
        var client = HttpClient.newHttpClient();
        var base = "http://127.0.0.1:" + port;
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> !process.isAlive() || get(client, base + "/items/5").statusCode() == 200);
        assertThat(process.isAlive()).as("the app runs; its output:%n%s", Files.readString(dir.resolve("app.log"))).isTrue();

        assertThat(get(client, base + "/items/5?q=x").body()).isEqualTo("{\"id\":5,\"q\":\"x\"}");
        var invalid = get(client, base + "/items/five");
        assertThat(invalid.statusCode()).isEqualTo(422);
        assertThat(invalid.body()).contains("\"type\":\"int_parsing\"").contains("\"loc\":[\"path\",\"id\"]");
        assertThat(get(client, base + "/openapi.json").body()).contains("\"/items/{id}\"");
        assertThat(get(client, base + "/docs").body()).contains("swagger-ui");

        assertThat(post(client, base + "/notes/hello").body()).isEqualTo("{\"message\":\"noted\"}");
        assertThat(post(client, base + "/durable/stored").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(workdir.resolve("in-process.txt"))
                && Files.exists(workdir.resolve("durable.txt")));
        assertThat(Files.readString(workdir.resolve("in-process.txt"))).isEqualTo("hello");
        assertThat(Files.readString(workdir.resolve("durable.txt"))).isEqualTo("stored");
        assertThat(Files.readString(dir.resolve("app.log"))).doesNotContain("Exception")
                .as("with the documented --add-exports the request head deadline is on").doesNotContain("requestHeadTimeout is off");
    }

    private static HttpResponse<String> get(HttpClient client, String url) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(HttpClient client, String url) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Compiles the module {@code app} into {@code out}; returns the compiler's errors (empty when it compiled). */
    private String compile(String moduleInfo, String main, Path out) throws IOException {
        var sources = Files.createDirectories(dir.resolve("src-" + out.getFileName()));
        Files.createDirectories(sources.resolve("app"));
        Files.writeString(sources.resolve("module-info.java"), moduleInfo);
        Files.writeString(sources.resolve("app/Main.java"), main);
        var errors = new ByteArrayOutputStream();
        int status = ToolProvider.getSystemJavaCompiler().run(null, null, errors, "-d", out.toString(),
                "--module-path", modulePath(), "--class-path", out.toString(), "-proc:none", "-parameters",
                sources.resolve("module-info.java").toString(), sources.resolve("app/Main.java").toString());
        return status == 0 ? "" : errors.toString(StandardCharsets.UTF_8);
    }


    private static String modulePath() throws IOException {
        return Files.readString(Path.of("target", "runtime-classpath.txt")).strip();
    }
}
