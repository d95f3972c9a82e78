package dev.coda.dashboard;

import dev.coda.durable.DurableState;
import dev.coda.durable.TaskEngine;
import dev.coda.durable.TaskStatus;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retry and cancel, each logged with who asked, and what came of it, told as one of a few {@link Outcome}s: the page
 * after the action shows the outcome's text (never text from the request). A retry the engine refuses while the task is
 * still failed or cancelled is a unique-key conflict, reported as such.
 */
final class Actions {

    private static final Logger LOG = LoggerFactory.getLogger(Actions.class);

    /** What an action did; its code travels in the redirect to the task's page. */
    enum Outcome {
        RETRIED("Retried: the task is queued again, with a fresh count of attempts.", true),
        NOT_RETRIED("Not retried: only a failed or cancelled task can be; it is no longer one.", false),
        CONFLICT("Not retried: another queued, scheduled or running task holds this task's unique key. "
                + "Retry it once that one has finished.", false),
        CANCELLED("Cancelled.", true),
        NOT_CANCELLED("Not cancelled: only a queued or scheduled task can be; it has started or finished.", false);

        final String text;
        final boolean ok;

        Outcome(String text, boolean ok) {
            this.text = text;
            this.ok = ok;
        }

        String code() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        static Optional<Outcome> ofCode(String code) {
            for (var outcome : values()) {
                if (outcome.code().equals(code)) {
                    return Optional.of(outcome);
                }
            }
            return Optional.empty();
        }

        String notice() {
            return Layout.notice(ok ? "ok" : "problem", text);
        }
    }

    private final TaskEngine engine;

    Actions(TaskEngine engine) {
        this.engine = engine;
    }

    Outcome retry(String id, String who) {
        Outcome outcome;
        if (engine.retry(id)) {
            outcome = Outcome.RETRIED;
        } else {
            // the engine refuses a failed or cancelled task's retry only when a live task holds its unique key
            var state = engine.status(id).map(TaskStatus::state).orElse(null);
            outcome = state == DurableState.FAILED || state == DurableState.CANCELLED ? Outcome.CONFLICT : Outcome.NOT_RETRIED;
        }
        LOG.info("Task dashboard: {} asked to retry task {}: {}", who, id, outcome.code());
        return outcome;
    }

    Outcome cancel(String id, String who) {
        var outcome = engine.cancel(id) ? Outcome.CANCELLED : Outcome.NOT_CANCELLED;
        LOG.info("Task dashboard: {} asked to cancel task {}: {}", who, id, outcome.code());
        return outcome;
    }
}
