package dev.coda.examples;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;

import dev.coda.Coda;
import dev.coda.Dependency;
import dev.coda.Depends;
import dev.coda.Post;
import dev.coda.tasks.BackgroundTasks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The seed's second example: a dependency and its path operation share one {@link BackgroundTasks};
 * both add a task appending to {@code log.txt}, and the dependency's runs first.
 */
public final class Tutorial002 {

    static Path logFile = Path.of("log.txt");                              // in the working directory; tests move it

    static void writeLog(String message) throws IOException {
        Files.writeString(logFile, message, CREATE, APPEND);
    }

    @Dependency
    static Optional<String> getQuery(BackgroundTasks backgroundTasks, Optional<String> q) {
        if (q.filter(s -> !s.isEmpty()).isPresent()) {                     // Python's "if q:"
            backgroundTasks.addTask(Tutorial002::writeLog, "found query: " + q.get() + "\n");
        }
        return q;
    }

    @Post("/send-notification/{email}")
    public Map<String, String> sendNotification(String email, BackgroundTasks backgroundTasks,
                                                @Depends("getQuery") Optional<String> q) {
        backgroundTasks.addTask(Tutorial002::writeLog, "message to " + email + "\n");
        return Map.of("message", "Message sent");
    }

    /** The application. */
    public static Coda app() {
        return app(new PrometheusMetrics());
    }

    /** The application, its task meters scraped at {@code GET /metrics} (not in the OpenAPI document). */
    static Coda app(PrometheusMetrics metrics) {
        return Coda.app().routes(new Tutorial002(), metrics).backgroundTasks(tasks -> tasks.meterRegistry(metrics.registry()))
                .build();
    }

    public static void main(String[] args) {
        app().run();
    }
}
