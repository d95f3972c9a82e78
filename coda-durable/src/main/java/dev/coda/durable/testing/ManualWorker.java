package dev.coda.durable.testing;

import dev.coda.durable.TaskStatus;
import java.util.List;

/**
 * A worker that claims only when a test tells it to: each {@link #runDue()} claims every task due on the worker's clock,
 * runs them, commits their outcomes and returns them. It is a real worker (the same claim, execution, retry decisions,
 * group commits and heartbeats as {@code Worker.start()}, on the same engine) without its claim loops, so a test needs no
 * wall-clock window: with a {@link SettableClock}, {@link SettableClock#advance advancing} the clock past a delayed
 * task's run time or a retry's delay makes it due.
 *
 * <pre>{@code
 * var clock = new SettableClock();
 * try (ManualWorker worker = durable.worker().clock(clock).startManual()) {
 *     String id = durable.enqueue(TaskCall.of(Mailer::send, "ada@example.com"));
 *     List<TaskStatus> ran = worker.runDue();             // [Mailer.send: succeeded]
 *     clock.advance(Duration.ofHours(1));
 *     worker.runDue();                                    // what fell due within the hour
 * }
 * }</pre>
 *
 * <p>A task is due when its run time has passed on the worker's clock or on the database's (the later of the two), so a
 * clock set behind the database's never hides a task. A task's timeout stays on the wall clock (the worker's timer
 * thread): it must interrupt a task while its thread runs, when nothing advances a test's clock.
 */
public interface ManualWorker extends AutoCloseable {

    /**
     * Claims the tasks due now on the worker's clock (each of its queues once, up to 1,000 tasks a queue), runs them
     * (at most the queue's concurrency at a time), waits until their outcomes are committed (a minute at most, else
     * {@link IllegalStateException}) and returns them as stored, in claim order: {@code SUCCEEDED}, {@code SCHEDULED} for
     * a retry, or {@code FAILED}. Tasks that fall due after their queue's claim wait for the next call.
     */
    List<TaskStatus> runDue();

    /** This worker's id, the lease owner of the tasks it runs. */
    String id();

    /** Stops the worker as {@code Worker.close()} does. */
    @Override
    void close();
}
