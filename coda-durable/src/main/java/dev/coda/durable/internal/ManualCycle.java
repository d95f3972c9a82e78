package dev.coda.durable.internal;

import dev.coda.durable.TaskEngine;
import dev.coda.durable.TaskEngine.ClaimedTask;
import dev.coda.durable.TaskStatus;
import dev.coda.durable.testing.ManualWorker;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@link ManualWorker} of a worker started without its claim loops: one claim per queue through its
 * {@link QueuePoller}s, due by the worker's clock, then a wait until {@link HeldTasks} is empty (every outcome
 * committed by the {@link CompletionRecorder}), then the tasks' stored statuses.
 *
 * <pre>{@code
 * var manual = new ManualCycle(engine, workerId, pollers, held, clock, worker::close);
 * List<TaskStatus> ran = manual.runDue();
 * }</pre>
 */
public final class ManualCycle implements ManualWorker {

    private static final int MAX_PER_QUEUE = 1_000;
    private static final Duration MAX_WAIT = Duration.ofMinutes(1);

    private final TaskEngine engine;
    private final String workerId;
    private final List<QueuePoller> pollers;
    private final HeldTasks held;
    private final InstantSource clock;
    private final Runnable close;

    public ManualCycle(TaskEngine engine, String workerId, List<QueuePoller> pollers, HeldTasks held, InstantSource clock,
            Runnable close) {
        this.engine = engine;
        this.workerId = workerId;
        this.pollers = List.copyOf(pollers);
        this.held = held;
        this.clock = clock;
        this.close = close;
    }

    @Override
    public synchronized List<TaskStatus> runDue() {
        var dueBy = clock.instant();
        var claimed = new ArrayList<ClaimedTask>();
        for (var poller : pollers) {
            claimed.addAll(poller.claimDue(dueBy, MAX_PER_QUEUE));
        }
        if (!held.awaitEmpty(System.nanoTime() + MAX_WAIT.toNanos())) {
            throw new IllegalStateException("worker " + workerId + ": tasks " + held.ids() + " were still running or uncommitted after "
                    + MAX_WAIT.toSeconds() + " s");
        }
        var out = new ArrayList<TaskStatus>(claimed.size());
        for (var task : claimed) {
            out.add(engine.status(task.id()).orElseThrow(() -> new IllegalStateException("task " + task.id() + " is gone")));
        }
        return out;
    }

    @Override
    public String id() {
        return workerId;
    }

    @Override
    public void close() {
        close.run();
    }
}
