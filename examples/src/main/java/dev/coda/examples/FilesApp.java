package dev.coda.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coda.Coda;
import dev.coda.Get;
import dev.coda.Header;
import dev.coda.HttpException;
import dev.coda.Post;
import dev.coda.Response;
import dev.coda.Role;
import dev.coda.dashboard.TaskDashboard;
import dev.coda.durable.DurableState;
import dev.coda.durable.DurableTasks;
import dev.coda.durable.RetryPolicy;
import dev.coda.durable.TaskEngine;
import dev.coda.tasks.BackgroundTasks;
import dev.coda.tasks.TaskRuntime;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.http.MultiPartFormData;
import org.eclipse.jetty.io.Content;

/**
 * The seed's second use case: accept an upload with {@code 202 Accepted}, process it afterwards, durably.
 * {@code java -jar coda-examples.jar files [--role all|web|worker] [--work-delay DURATION] [--data-dir DIR]
 * [--max-attempts N]}. The engine is SQLite ({@code tasks.db} in the working directory) unless {@code CODA_TASKS_URL}
 * names another; any number of web and worker processes share it. Every role serves the task dashboard at
 * {@code /dashboard/} (actions allowed, no login: an example only); a worker serves it alone, on {@code PORT} if set, else
 * on a free port it logs. An upload starting with the bytes {@code fail} fails each attempt (3 unless
 * {@code --max-attempts}), then lies in the failed set.
 */
public final class FilesApp {

    /** A qualified Java class name in a message, with the colon after it: {@code java.io.EOFException: }. */
    private static final Pattern JAVA_CLASS = Pattern.compile("\\b(?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*(?::\\s*)?");

    private final DurableTasks durable;
    private final FileJobs jobs;
    private final ObjectMapper json = new ObjectMapper();

    FilesApp(DurableTasks durable, FileJobs jobs) {
        this.durable = durable;
        this.jobs = jobs;
    }

    /**
     * Stores the upload (raw bytes, or a part of a multipart form: the one named "file", else the first), then its
     * processing task.
     */
    @Post("/files")
    public Response upload(byte[] body, @Header("Content-Type") Optional<String> contentType, BackgroundTasks tasks) {
        var content = contentType.filter(type -> type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data"))
                .map(type -> filePart(type, body))
                .orElse(body);
        var uploadId = jobs.uploads().save(content);
        var task = tasks.addTask(jobs::process, uploadId);              // durable: stored before the 202 is sent
        return Response.accepted(Map.of("id", task.id(), "status", "queued"))
                .header("Location", "/files/" + task.id());
    }

    /** The processing state, and the result once done. */
    @Get("/files/{id}")
    public Map<String, Object> file(String id) throws IOException {
        var status = durable.status(id).orElseThrow(() -> new HttpException(404, "File not found"));
        var out = new LinkedHashMap<String, Object>();
        out.put("id", id);
        out.put("status", status.state().name().toLowerCase(Locale.ROOT));
        out.put("attempts", status.attempts());
        if (status.state() == DurableState.SUCCEEDED && status.result() != null) {
            out.put("result", json.readValue(status.result(), Map.class));
        }
        if (status.state() == DurableState.FAILED) {
            out.put("error", clientError(status.lastError()));
        }
        return out;
    }

    /**
     * What a client may read of a task's failure: the message of a {@link FileJobs.Failure}, written for clients; of
     * any other error nothing (it names Java classes, hosts, ids), which stays in the worker's log and the engine.
     */
    static String clientError(String lastError) {
        var prefix = FileJobs.Failure.class.getName() + ": ";
        if (lastError != null && lastError.startsWith(prefix)) {
            return lastError.substring(prefix.length()).lines().findFirst().orElse("");
        }
        return "the upload could not be processed";
    }

    private static byte[] filePart(String contentType, byte[] body) {
        try (var parts = parse(contentType, body)) {
            if (parts.size() == 0) {
                throw new HttpException(422, "the form has no part");
            }
            for (var part : parts) {
                if (part.getName() == null || part.getName().isEmpty()) {
                    throw new HttpException(422, "every part of the form needs a Content-Disposition: form-data header with a name");
                }
            }
            var part = parts.getAll("file").stream().findFirst().orElse(parts.get(0));
            var buffer = Content.Source.asByteBuffer(part.createContentSource());
            var bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw malformed(e);
        }
    }

    /** The parts of a form; a body (or boundary) the parser rejects is a 422. */
    private static MultiPartFormData.Parts parse(String contentType, byte[] body) {
        String boundary;
        try {
            boundary = MultiPart.extractBoundary(contentType);
        } catch (RuntimeException e) {
            throw malformed(e);
        }
        if (boundary == null || boundary.isEmpty()) {
            throw new HttpException(422, "multipart/form-data without a boundary");
        }
        try {
            var parser = new MultiPartFormData.Parser(boundary);
            parser.setMaxMemoryFileSize(body.length + 1L);                 // the body is in memory already: keep parts there
            parser.setFilesDirectory(Path.of(System.getProperty("java.io.tmpdir")));
            return parser.parse(Content.Source.from(ByteBuffer.wrap(body))).join();
        } catch (CompletionException e) {
            throw malformed(e.getCause() != null ? e.getCause() : e);
        } catch (RuntimeException e) {
            throw malformed(e);           // the parser fails only on what the client sent
        }
    }

    /**
     * A 422 for a body the multipart parser rejected: its reason when it gave one ("unexpected EOF in BOUNDARY"),
     * without Java class names; nothing of other failures.
     */
    private static HttpException malformed(Throwable cause) {
        var reason = cause instanceof IOException && cause.getMessage() != null
                ? JAVA_CLASS.matcher(cause.getMessage()).replaceAll("").strip()
                : "";
        return new HttpException(422, reason.isEmpty() ? "malformed multipart body" : "malformed multipart body: " + reason);
    }

    /**
     * Runs the example with the given options; {@code --role} is Coda's ({@link Coda#run(String...)}). The web and all
     * roles serve the API and the dashboard; the worker role runs the worker and serves the dashboard alone (on
     * {@code PORT} if set, else on a free port, so that it does not take a web process's port on the same machine).
     * SIGTERM stops HTTP, the tasks, the worker, then the engine.
     */
    public static void main(String[] args) {
        var options = Options.parse(args);
        var role = Role.fromArgs(args);
        var url = Optional.ofNullable(System.getenv("CODA_TASKS_URL")).filter(s -> !s.isBlank())
                .orElse("jdbc:sqlite:" + Path.of("tasks.db").toAbsolutePath());
        var engine = TaskEngine.fromUrl(url);
        var metrics = new PrometheusMetrics();                                      // GET /metrics
        var durable = DurableTasks.on(engine).task(FileJobs::process).meterRegistry(metrics.registry())
                .retry(RetryPolicy.exponential(options.maxAttempts, Duration.ofSeconds(1), Duration.ofMinutes(5)))
                .build();
        var uploads = options.dataDir == null ? UploadStore.database(durable) : UploadStore.directory(options.dataDir);
        var jobs = new FileJobs(uploads, options.workDelay);
        var tasks = TaskRuntime.builder().durable(durable).meterRegistry(metrics.registry()).build();
        var dashboard = TaskDashboard.builder(engine).inProcess(tasks).build();    // no login: an example only
        var app = Coda.app()
                .onShutdown(engine::close)                                           // declared first, so done last
                .tasks(tasks)
                .mount("/dashboard", dashboard.app())
                .worker(() -> durable.worker().service(jobs).concurrency("default", 8).start());
        if (role == Role.WORKER) {
            if (System.getenv("PORT") == null || System.getenv("PORT").isBlank()) {
                app.port(0);
            }
            app.build().run();                                                       // the dashboard and the worker
        } else {
            app.routes(new FilesApp(durable, jobs), metrics).build().run(args);
        }
    }

    /** Command-line options of the example, besides Coda's {@code --role}. */
    record Options(Duration workDelay, Path dataDir, int maxAttempts) {

        static Options parse(String[] args) {
            var delay = Duration.ZERO;
            Path dataDir = null;
            int maxAttempts = 3;
            for (int i = 0; i < args.length; i++) {
                var value = i + 1 < args.length ? args[i + 1] : null;
                if (args[i].startsWith("--role=")) {
                    continue;
                }
                switch (args[i]) {
                    case "--role" -> i++;                                 // Coda's: it checks the value
                    case "--work-delay" -> {
                        delay = duration(require(value, "--work-delay"));
                        i++;
                    }
                    case "--data-dir" -> {
                        dataDir = Path.of(require(value, "--data-dir"));
                        i++;
                    }
                    case "--max-attempts" -> {
                        maxAttempts = attempts(require(value, "--max-attempts"));
                        i++;
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + " (files [--role all|web|worker] [--work-delay DURATION] [--data-dir DIR] [--max-attempts N])");
                }
            }
            return new Options(delay, dataDir, maxAttempts);
        }

        private static String require(String value, String option) {
            if (value == null) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return value;
        }

        private static int attempts(String text) {
            try {
                int n = Integer.parseInt(text.strip());
                if (n >= 1) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // refused below
            }
            throw new IllegalArgumentException("--max-attempts needs a whole number of at least 1, not " + text);
        }

        /** {@code 500ms}, {@code 2s}, {@code 1m}, or ISO-8601 ({@code PT2S}). */
        static Duration duration(String text) {
            var t = text.strip().toLowerCase(Locale.ROOT);
            try {
                if (t.startsWith("pt") || t.startsWith("p")) {
                    return Duration.parse(text.strip().toUpperCase(Locale.ROOT));
                }
                if (t.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
                }
                if (t.endsWith("s")) {
                    return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
                }
                if (t.endsWith("m")) {
                    return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)) * 60);
                }
                return Duration.ofSeconds(Long.parseLong(t));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("not a duration: " + text + " (e.g. 500ms, 2s, 1m, PT2S)");
            }
        }
    }
}
