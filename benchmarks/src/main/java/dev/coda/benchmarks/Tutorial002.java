package dev.coda.benchmarks;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;

import dev.coda.Coda;
import dev.coda.Dependency;
import dev.coda.Depends;
import dev.coda.Post;
import dev.coda.internal.Internals;
import dev.coda.internal.server.Application;
import dev.coda.tasks.BackgroundTasks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The seed's second example, the same code as {@code dev.coda.examples.Tutorial002} (copied because the
 * examples module's artifact is a shaded jar that already contains all of Coda). The JMH benchmarks bind
 * and run requests against it in-process; the load test runs the real examples jar.
 */
public final class Tutorial002 {

    static void writeLog(String message) throws IOException {
        Files.writeString(Path.of("log.txt"), message, CREATE, APPEND);
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
        return Coda.app().routes(new Tutorial002()).build();
    }

    /** The benchmarks' request: {@code POST /send-notification/foo@example.com?q=some-query}. */
    static FakeInput request() {
        return FakeInput.of("POST", "/send-notification/foo@example.com", "q=some-query");
    }

    /** The compiled app, once checked to answer {@link #request()} with a {@code 200}. */
    static Application checked(Coda app) {
        var application = Internals.runtime(app).application();
        var outcome = application.handle(request());
        if (outcome.status() != 200 || outcome.failed()) {
            throw new IllegalStateException("tutorial002 did not answer 200: " + outcome);
        }
        return application;
    }
}
