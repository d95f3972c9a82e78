package dev.coda.examples;

import dev.coda.Coda;
import dev.coda.Post;
import dev.coda.tasks.BackgroundTasks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The seed's first example: a path operation that adds a background task writing to {@code log.txt}
 * (mode "w": the file holds the last notification only).
 */
public final class Tutorial001 {

    static Path logFile = Path.of("log.txt");                              // in the working directory; tests move it

    static void writeNotification(String email, String message) throws IOException {
        Files.writeString(logFile, "notification for " + email + ": " + message);
    }

    @Post("/send-notification/{email}")
    public Map<String, String> sendNotification(String email, BackgroundTasks backgroundTasks) {
        backgroundTasks.addTask(Tutorial001::writeNotification, email, "some notification");
        return Map.of("message", "Notification sent in the background");
    }

    /** The application. */
    public static Coda app() {
        return Coda.app().routes(new Tutorial001()).build();
    }

    public static void main(String[] args) {
        app().run();
    }
}
