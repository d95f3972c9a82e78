package dev.coda.tasks;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/** The FastAPI tutorial's task, as a Coda user would write it. */
final class Notifications {

    static final List<String> LOG = new CopyOnWriteArrayList<>();

    private Notifications() {
    }

    static void writeNotification(String email, String message) {
        LOG.add("notification for " + email + ": " + message);
    }

    static CompletionStage<Void> sendLater(String email) {
        LOG.add("sent to " + email);
        return CompletableFuture.completedFuture(null);
    }
}
