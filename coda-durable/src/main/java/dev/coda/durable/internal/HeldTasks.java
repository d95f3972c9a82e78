package dev.coda.durable.internal;

import dev.coda.durable.TaskEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tasks a worker holds a lease on (claimed, running, or finished and not yet recorded), by id: a task
 * leaves when its outcome is recorded, its lease is lost or it is given back, which frees its place in
 * its queue's capacity. The shutdown waits here until none is left.
 *
 * <pre>{@code
 * var held = new HeldTasks(engine, workerId);
 * held.add(execution);          // on claim
 * held.forget(execution);       // once recorded
 * held.awaitEmpty(deadline);    // at shutdown
 * }</pre>
 */
public final class HeldTasks {

    private static final Logger LOG = LoggerFactory.getLogger("dev.coda.durable");

    private final TaskEngine engine;
    private final String workerId;
    private final Map<String, TaskExecution> byId = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition emptied = lock.newCondition();
    private volatile boolean watched;

    public HeldTasks(TaskEngine engine, String workerId) {
        this.engine = engine;
        this.workerId = workerId;
    }

    /** How many it holds. */
    public int size() {
        return byId.size();
    }

    /** Holds {@code execution}; false when this worker already holds a task of that id. */
    boolean add(TaskExecution execution) {
        return byId.putIfAbsent(execution.task().id(), execution) == null;
    }

    TaskExecution get(String id) {
        return byId.get(id);
    }

    boolean isEmpty() {
        return byId.isEmpty();
    }

    List<String> ids() {
        return new ArrayList<>(byId.keySet());
    }

    /** The execution no longer holds its task: frees its place in the queue's capacity. */
    void forget(TaskExecution execution) {
        if (!byId.remove(execution.task().id(), execution)) {
            return;
        }
        execution.poller().freed();
        if (watched) {
            lock.lock();
            try {
                emptied.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Gives the tasks back to the engine, ready to run (their attempt does not count), and forgets them. */
    public void giveBack(List<TaskExecution> executions, String why) {
        if (executions.isEmpty()) {
            return;
        }
        var ids = executions.stream().map(e -> e.task().id()).toList();
        try {
            engine.release(workerId, ids);
            LOG.info("Worker {} gave back {} task(s) ({}); their attempt does not count", workerId, ids.size(), why);
        } catch (RuntimeException e) {
            LOG.warn("Worker {} could not give back {} task(s) ({}); they will run again once their lease expires: {}", workerId,
                    ids.size(), why, e.toString());
        }
        for (var execution : executions) {
            forget(execution);
        }
    }

    /** Abandons (interrupting them) the tasks still running, for {@link #giveBack}. */
    public List<TaskExecution> abandonRunning(String because) {
        var running = new ArrayList<TaskExecution>();
        for (var execution : byId.values()) {
            if (execution.abandonRunning(because)) {
                running.add(execution);
            }
        }
        return running;
    }

    /** Waits until it holds no task or {@code deadline} ({@link System#nanoTime}) passes; whether it is empty. */
    public boolean awaitEmpty(long deadline) {
        watched = true;
        lock.lock();
        try {
            while (!byId.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                emptied.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return byId.isEmpty();
        } finally {
            lock.unlock();
        }
    }
}
