package dev.coda.durable.spi;

import dev.coda.durable.TaskEngine.ClaimedTask;
import dev.coda.durable.TaskEngine.Completion;
import dev.coda.durable.TaskEngine.NewTask;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * What an engine whose transport is a broker (RabbitMQ) needs from the store beside it, as Celery needs a result
 * backend: the tasks' rows (status, results, unique keys, leases), while the broker's messages say which task to try
 * next. A capability of the JDBC engines ({@code engine.capability(TaskStore.class)}); a Redis store may offer it too.
 * The store is a {@link dev.coda.durable.TaskEngine} besides: what it already does (status, cancel, search, counts,
 * purge, the workers' registry) the broker's engine asks of it as of any engine; this contract is only what a
 * transport adds.
 *
 * <p>The store decides; the transport only proposes. A message names a task id; {@link #start} starts an attempt of it
 * if the row allows one (queued and due, or running with an expired lease: a recovery), so that a duplicate or stale
 * message never runs a task twice at once. Rows that need a message carry a <em>dispatch mark</em> from the moment
 * they are stored (or made ready again) until the transport confirms the message ({@link #dispatched}); marks older
 * than a grace period are the rows a crash left without a message ({@link #undispatched}), which a sweeper publishes.
 *
 * <pre>{@code
 * var store = TaskEngine.sqlite(Path.of("coda-tasks.db")).capability(TaskStore.class).orElseThrow();
 * var ready = store.put(List.of(task));          // stored, marked: publish them, then
 * store.dispatched(List.of(ready.get(0).id()));   // the broker confirmed the messages
 * switch (store.start(id, "worker-1", Duration.ofSeconds(30))) { case TaskStore.Start.Started s -> run(s.task()); ... }
 * }</pre>
 */
public interface TaskStore {

    /**
     * A task that needs (or got) a message: where to route it and when it is due.
     *
     * @param runAt when it is due; {@code null} for now
     * @param fresh whether {@link #put} stored it now ({@code false}: a live task held the unique key; no message needed)
     */
    record Ready(String id, String queue, int priority, Instant runAt, boolean fresh) {
    }

    /** What {@link #start} did with a message's task. */
    sealed interface Start {

        /** An attempt started: run it ({@link ClaimedTask#recovered()} when a lost worker's lease was taken over). */
        record Started(ClaimedTask task) implements Start {
        }

        /** Another worker holds a live lease until {@code leaseUntil}: try again after it. */
        record Busy(Instant leaseUntil) implements Start {
        }

        /** The task is queued but due only at {@code runAt}: delay the message until then. */
        record NotDue(Instant runAt, String queue, int priority) implements Start {
        }

        /** Finished, cancelled, purged or unknown: drop the message. */
        record Gone() implements Start {
        }
    }

    /**
     * Stores tasks as queued (or scheduled), marked for dispatch, all or none; a task whose unique key a live task
     * holds is not stored again (that task is returned, not fresh). The store's own claim path must not be used on the
     * same tables: the transport hands the tasks out.
     */
    List<Ready> put(List<NewTask> tasks);

    /** The transport confirmed messages of these tasks: their dispatch marks are cleared. */
    void dispatched(Collection<String> ids);

    /** Ready tasks (queued or scheduled) marked for dispatch before {@code markedBefore}: a crash left them without a message. */
    List<Ready> undispatched(Instant markedBefore, int max);

    /** Starts an attempt of task {@code id} for {@code workerId} with a lease, if its row allows one. */
    Start start(String id, String workerId, Duration lease);

    /**
     * {@link #start} for each of {@code ids} (the messages of one claim), answers in their order; a store may decide them
     * all in one transaction.
     */
    default List<Start> start(List<String> ids, String workerId, Duration lease) {
        return ids.stream().map(id -> start(id, workerId, lease)).toList();
    }

    /** Extends the leases {@code workerId} holds on these tasks; returns the ids it still holds. */
    List<String> extend(String workerId, Collection<String> ids, Duration lease);

    /**
     * Records what became of tasks {@code workerId} holds, and returns the ids recorded (completions of tasks it no
     * longer holds are ignored); a recorded retry is marked for dispatch.
     */
    Set<String> complete(String workerId, List<Completion> completions);

    /** Gives claimed tasks back without counting the attempt; returns the ids released (those {@code workerId} held). */
    Set<String> release(String workerId, Collection<String> ids);

    /** What {@link #retry} did, and the task to publish when it retried it ({@code null} otherwise). */
    record Retried(TaskAdmin.RetryOutcome outcome, Ready ready) {
    }

    /** Moves a failed or cancelled task back to the queue, marked for dispatch, unless a live task holds its unique key. */
    Retried retry(String id);
}
