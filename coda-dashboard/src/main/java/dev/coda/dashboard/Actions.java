package dev.coda.dashboard;

import dev.coda.durable.TaskEngine;
import dev.coda.durable.spi.TaskAdmin.BulkAction;
import dev.coda.durable.spi.TaskAdmin.BulkResult;
import dev.coda.durable.spi.TaskAdmin.RetryOutcome;
import dev.coda.durable.spi.TaskQuery;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retry, cancel and delete, of one task or of every task of a filter, each logged with who asked, and what came of it,
 * told as one of a few {@link Outcome}s: the page after the action shows the outcome's text (never text from the
 * request). A retry refused because another live task holds the unique key is reported as such
 * ({@link RetryOutcome#UNIQUE_KEY_CONFLICT}).
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
        NOT_CANCELLED("Not cancelled: only a queued or scheduled task can be; it has started or finished.", false),
        DELETED("Deleted.", true),
        NOT_DELETED("Not deleted: a running task cannot be; cancel is not possible either, it must finish first.", false);

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
        var outcome = switch (engine.retryTask(id)) {
            case RETRIED -> Outcome.RETRIED;
            case NOT_RETRYABLE -> Outcome.NOT_RETRIED;
            case UNIQUE_KEY_CONFLICT -> Outcome.CONFLICT;
        };
        LOG.info("Task dashboard: {} asked to retry task {}: {}", who, id, outcome.code());
        return outcome;
    }

    Outcome cancel(String id, String who) {
        var outcome = engine.cancel(id) ? Outcome.CANCELLED : Outcome.NOT_CANCELLED;
        LOG.info("Task dashboard: {} asked to cancel task {}: {}", who, id, outcome.code());
        return outcome;
    }

    Outcome delete(String id, String who) {
        var outcome = engine.delete(id) ? Outcome.DELETED : Outcome.NOT_DELETED;
        LOG.info("Task dashboard: {} asked to delete task {}: {}", who, id, outcome.code());
        return outcome;
    }

    /** How many tasks {@link #bulk} would act on now. */
    long dryRun(BulkAction action, TaskQuery filter) {
        return engine.dryRun(action, filter);
    }

    BulkResult bulk(BulkAction action, TaskQuery filter, String who) {
        LOG.info("Task dashboard: {} asked to {} the tasks of {}", who, action, filter);
        var result = engine.bulk(action, filter);
        LOG.info("Task dashboard: {} of {}: {}", action, filter, result);
        return result;
    }
}
