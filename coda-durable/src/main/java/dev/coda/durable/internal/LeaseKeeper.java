package dev.coda.durable.internal;

import dev.coda.durable.TaskEngine;
import dev.coda.durable.spi.WorkerInfo;
import dev.coda.tasks.internal.SummarizedLog;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Keeps the leases of the tasks a worker holds: every heartbeat it extends them all in one
 * {@link TaskEngine#extend} call, and stops (records nothing for) the tasks whose lease it no longer
 * holds, which another worker may be running. The same heartbeat keeps the worker in the engine's registry of
 * workers: registered on start, refreshed, removed on stop.
 *
 * <pre>{@code
 * var keeper = new LeaseKeeper(engine, workerInfo, Duration.ofSeconds(10), Duration.ofSeconds(3), held, clock);
 * keeper.start("coda-durable-heartbeat-" + workerInfo.id());
 * keeper.stop(Duration.ofSeconds(5));
 * }</pre>
 */
public final class LeaseKeeper {

    private static final Logger LOG = LoggerFactory.getLogger("dev.coda.durable");

    private final TaskEngine engine;
    private final WorkerInfo registration;
    private final String workerId;
    private final Duration lease;
    private final Duration heartbeat;
    private final HeldTasks held;
    private final SummarizedLog failures;
    private volatile boolean stopping;
    private Thread thread;

    public LeaseKeeper(TaskEngine engine, WorkerInfo registration, Duration lease, Duration heartbeat, HeldTasks held,
                       InstantSource clock) {
        this.engine = engine;
        this.registration = registration;
        this.workerId = registration.id();
        this.lease = lease;
        this.heartbeat = heartbeat;
        this.held = held;
        // while the database is down every heartbeat fails: one line, then one per 10 s
        this.failures = new SummarizedLog(LOG, Level.WARN, Duration.ofSeconds(10), clock);
    }

    /** Registers the worker in the engine's registry of workers and starts the heartbeat thread. */
    public void start(String threadName) {
        try {
            engine.register(registration);
        } catch (RuntimeException e) {
            LOG.warn("Worker {} could not register in the registry of workers (its heartbeat retries): {}", workerId, e.getMessage());
        }
        thread = Thread.ofPlatform().daemon().name(threadName).start(this::heartbeatLoop);
    }

    /** Stops the heartbeats, waiting at most {@code timeout} for the thread to end, and deregisters the worker. */
    public void stop(Duration timeout) {
        stopping = true;
        if (thread != null) {
            thread.interrupt();
        }
        Joins.join(thread, timeout);
        try {
            engine.deregister(workerId);
        } catch (RuntimeException e) {
            LOG.warn("Worker {} could not deregister; it stays listed, stale: {}", workerId, e.getMessage());
        }
    }

    private void heartbeatLoop() {
        while (!stopping) {
            try {
                Thread.sleep(heartbeat);
            } catch (InterruptedException e) {
                continue;
            }
            refreshRegistration();
            if (held.isEmpty()) {
                continue;
            }
            var ids = held.ids();
            List<String> still;
            try {
                still = engine.extend(workerId, ids, lease);
            } catch (RuntimeException e) {
                failures.record("Worker {} could not extend the leases of {} task(s); they may be taken over if this lasts: {}",
                        workerId, ids.size(), e.getMessage());
                continue;
            }
            if (still.size() == ids.size()) {
                continue;
            }
            var kept = new HashSet<>(still);
            for (var taskId : ids) {
                if (!kept.contains(taskId)) {
                    var execution = held.get(taskId);
                    if (execution != null) {
                        lost(execution);
                    }
                }
            }
        }
    }

    /**
     * The worker's heartbeat in the engine's {@link dev.coda.durable.spi.WorkerRegistry}; registers it again if it is
     * missing (its registration at start failed, or an administrator removed it as stale).
     */
    private void refreshRegistration() {
        try {
            if (!engine.heartbeat(workerId)) {
                engine.register(registration);
            }
        } catch (RuntimeException e) {
            failures.record("Worker {} could not record its heartbeat in the registry of workers: {}", workerId, e.getMessage());
        }
    }

    /** The worker no longer holds the task's lease (another worker may run it): stop it, record nothing. */
    private void lost(TaskExecution execution) {
        var task = execution.task();
        if (execution.abandonBuffered("lease lost")) {
            execution.poller().removeBuffered(execution);
        } else if (!execution.abandonRunning("lease lost")) {
            return; // finished meanwhile: the completion, guarded by the lease, tells
        }
        TaskExecution.withMdc(task, () -> LOG.warn("Worker {} lost its lease on durable task {} ({}); another worker may run it: "
                + "stopped here", workerId, task.name(), task.id()));
        held.forget(execution);
    }
}
