package dev.coda.durable.spi;

import dev.coda.durable.DurableState;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * What an administrator does to tasks (a dashboard's actions): retry, cancel and delete one task, or every task a
 * {@link TaskQuery} selects, after a dry run that counts them. Every engine implements it
 * ({@link dev.coda.durable.TaskEngine} extends it).
 *
 * <pre>{@code
 * if (engine.retryTask(id) == TaskAdmin.RetryOutcome.UNIQUE_KEY_CONFLICT) warn("a live task holds its unique key");
 * var failed = TaskQuery.newest(TaskQuery.MAX_LIMIT).inStates(DurableState.FAILED).errorContaining("timeout");
 * long n = engine.dryRun(TaskAdmin.BulkAction.RETRY, failed);     // "this will retry n tasks"
 * TaskAdmin.BulkResult done = engine.bulk(TaskAdmin.BulkAction.RETRY, failed);
 * }</pre>
 *
 * <p>A bulk action walks the filter's pages ({@link TaskSearch#search}, keyset paging) and acts on each task in its own
 * transaction, so that an action on a million tasks never holds one long transaction or lock; tasks changed meanwhile are
 * decided one by one (one that is no longer in a state the action accepts is skipped). Give the filter a
 * {@link TaskQuery#createdBetween creation bound} to leave tasks stored after the dry run alone.
 */
public interface TaskAdmin extends TaskSearch {

    /** What {@link #retryTask} did. */
    enum RetryOutcome {
        /** The task is queued again, with a fresh count of attempts. */
        RETRIED,
        /** The task is not failed or cancelled (or does not exist). */
        NOT_RETRYABLE,
        /** Another queued, scheduled or running task holds the task's unique key: it stays as it is. */
        UNIQUE_KEY_CONFLICT
    }

    /** An action on every task of a filter, limited to the states it accepts. */
    enum BulkAction {
        /** {@link #retryTask}: failed and cancelled tasks. */
        RETRY(EnumSet.of(DurableState.FAILED, DurableState.CANCELLED)),
        /** {@link #cancel}: queued and scheduled tasks. */
        CANCEL(EnumSet.of(DurableState.QUEUED, DurableState.SCHEDULED)),
        /** {@link #delete}: any task but a running one. */
        DELETE(EnumSet.complementOf(EnumSet.of(DurableState.RUNNING)));

        private final Set<DurableState> states;

        BulkAction(Set<DurableState> states) {
            this.states = Set.copyOf(states);
        }

        /** The states whose tasks this action changes. */
        public Set<DurableState> states() {
            return states;
        }

        /** {@code filter} narrowed to the states this action accepts, in pages of {@link TaskQuery#MAX_LIMIT}; empty if none is left. */
        public Optional<TaskQuery> narrow(TaskQuery filter) {
            var wanted = EnumSet.copyOf(filter.statesOrAll());
            wanted.retainAll(states);
            return wanted.isEmpty() ? Optional.empty() : Optional.of(filter.inStates(wanted).limit(TaskQuery.MAX_LIMIT));
        }
    }

    /**
     * What a {@link #bulk} action did.
     *
     * @param done the tasks it changed
     * @param skipped the tasks no longer in a state it accepts when it reached them
     * @param conflicts the retries refused because another live task holds the unique key
     */
    record BulkResult(BulkAction action, long done, long skipped, long conflicts) {
    }

    /** Moves a failed or cancelled task back to the queue, with a fresh count of attempts; says why not when it did not. */
    RetryOutcome retryTask(String id);

    /** Cancels a queued or scheduled task; returns whether it did. */
    boolean cancel(String id);

    /**
     * Deletes a task that is not running (queued and scheduled ones never run; a running one must finish or be lost
     * first); returns whether it did.
     */
    boolean delete(String id);

    /** How many tasks {@link #bulk} would act on now: those {@code filter} selects in the states {@code action} accepts. */
    default long dryRun(BulkAction action, TaskQuery filter) {
        var query = action.narrow(filter);
        long count = 0;
        for (var page = query.map(this::search).orElse(null); page != null; page = page.next() == null ? null
                : search(page.query().after(page.next()))) {
            count += page.tasks().size();
        }
        return count;
    }

    /** Acts on every task {@code filter} selects in the states {@code action} accepts, a page at a time. */
    default BulkResult bulk(BulkAction action, TaskQuery filter) {
        var query = action.narrow(filter);
        long done = 0;
        long skipped = 0;
        long conflicts = 0;
        for (var page = query.map(this::search).orElse(null); page != null; page = page.next() == null ? null
                : search(page.query().after(page.next()))) {
            for (var task : page.tasks()) {
                switch (action) {
                    case RETRY -> {
                        var outcome = retryTask(task.id());
                        done += outcome == RetryOutcome.RETRIED ? 1 : 0;
                        skipped += outcome == RetryOutcome.NOT_RETRYABLE ? 1 : 0;
                        conflicts += outcome == RetryOutcome.UNIQUE_KEY_CONFLICT ? 1 : 0;
                    }
                    case CANCEL -> {
                        boolean cancelled = cancel(task.id());
                        done += cancelled ? 1 : 0;
                        skipped += cancelled ? 0 : 1;
                    }
                    case DELETE -> {
                        boolean deleted = delete(task.id());
                        done += deleted ? 1 : 0;
                        skipped += deleted ? 0 : 1;
                    }
                }
            }
        }
        return new BulkResult(action, done, skipped, conflicts);
    }
}
