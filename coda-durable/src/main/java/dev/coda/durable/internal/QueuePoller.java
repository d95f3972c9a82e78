package dev.coda.durable.internal;

import dev.coda.durable.TaskEngine;
import dev.coda.durable.TaskEngine.ClaimedTask;
import dev.coda.tasks.internal.SummarizedLog;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The claim loop of one queue and its capacity: it holds at most {@code concurrency + prefetch} tasks,
 * runs at most {@code concurrency} at a time (the rest wait in a buffer for a free slot), claims when
 * enough room is free (waiting up to 5 ms for more room, to claim in a batch), backs off while claims
 * fail, and between empty claims waits for the engine's wake-up, the poll interval, or the next retry
 * this worker scheduled, whichever comes first.
 *
 * <pre>{@code
 * var poller = new QueuePoller("default", 8, 0, settings, setup, held, clock);   // concurrency 8, no prefetch
 * poller.start("coda-durable-claim-default-" + workerId);
 * poller.stopClaiming();
 * poller.awaitStopped(timeout);
 * held.giveBack(poller.abandonBuffered("given back at shutdown"), "not started");
 * }</pre>
 */
public final class QueuePoller {

    private static final Logger LOG = LoggerFactory.getLogger("dev.coda.durable");
    private static final long BATCHING_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    /** How a worker claims: {@code batchSize} tasks at most per claim, with this lease, polling this often. */
    public record Settings(TaskEngine engine, Duration lease, Duration pollInterval, int batchSize) {
    }

    private final String queue;
    private final int concurrency;
    private final int capacity;
    private final Settings settings;
    private final TaskExecution.Setup setup;
    private final HeldTasks held;
    private final InstantSource clock;
    private final Backoff backoff;
    private final SummarizedLog claimFailures;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition room = lock.newCondition();
    private final ArrayDeque<TaskExecution> buffer = new ArrayDeque<>();
    private int heldHere;
    private int running;
    private boolean awaiting;
    private volatile boolean stopping;
    private Thread thread;

    public QueuePoller(String queue, int concurrency, int prefetch, Settings settings, TaskExecution.Setup setup, HeldTasks held,
            InstantSource clock) {
        this.queue = queue;
        this.concurrency = concurrency;
        this.capacity = concurrency + prefetch;
        this.settings = settings;
        this.setup = setup;
        this.held = held;
        this.clock = clock;
        // failed claims wait 200 ms doubling, to the poll interval but never past 3.2 s, so a long interval does not slow recovery
        this.backoff = new Backoff(Duration.ofMillis(200), 2.0, Collections.min(List.of(settings.pollInterval(), Duration.ofMillis(3200))));
        // while the database is down every claim fails: one line, then one per 10 s
        this.claimFailures = new SummarizedLog(LOG, Level.WARN, Duration.ofSeconds(10), clock);
    }

    /** The queue it claims from. */
    public String queue() {
        return queue;
    }

    /** How many of its tasks run at a time at most. */
    public int concurrency() {
        return concurrency;
    }

    /** Starts the claim thread. */
    public void start(String threadName) {
        thread = Thread.ofPlatform().daemon().name(threadName).start(this::claimLoop);
    }

    /** Claims no more: wakes the claim thread (interrupting its wait for work) and starts no buffered task any more. */
    public void stopClaiming() {
        stopping = true;
        lock.lock();
        try {
            room.signalAll();
            if (awaiting) {
                thread.interrupt();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Waits at most {@code timeout} for the claim thread to end. */
    public void awaitStopped(Duration timeout) {
        Joins.join(thread, timeout);
    }

    /** Abandons the claimed tasks that have not started, for {@link HeldTasks#giveBack}. */
    public List<TaskExecution> abandonBuffered(String because) {
        var unstarted = new ArrayList<TaskExecution>();
        lock.lock();
        try {
            for (var execution : buffer) {
                if (execution.abandonBuffered(because)) {
                    unstarted.add(execution);
                }
            }
            buffer.clear();
        } finally {
            lock.unlock();
        }
        return unstarted;
    }

    /**
     * Claims once, on the calling thread, up to {@code max} tasks due by {@code dueBy} (or on the engine's clock) and
     * starts them as the claim loop would: for a worker that claims only when told ({@code ManualWorker}), whose claim
     * thread is never started.
     */
    public List<ClaimedTask> claimDue(Instant dueBy, int max) {
        var claimed = settings.engine().claim(setup.workerId(), List.of(queue), max, settings.lease(), dueBy);
        for (var task : claimed) {
            accept(task);
        }
        return claimed;
    }

    private void claimLoop() {
        long failures = 0;
        while (true) {
            int want;
            try {
                want = awaitRoom();
            } catch (InterruptedException e) {
                return;
            }
            if (want == 0) {
                return;
            }
            long claimStarted = clock.millis();
            List<ClaimedTask> claimed;
            try {
                claimed = settings.engine().claim(setup.workerId(), List.of(queue), want, settings.lease());
                failures = 0;
            } catch (RuntimeException e) {
                failures++;
                claimFailures.record("Worker {} could not claim tasks of queue {} ({} time(s) in a row): {}", setup.workerId(), queue,
                        failures, e.getMessage());
                waitForWork(backoff.after(failures));
                continue;
            }
            if (stopping) {
                giveBackClaimedWhileStopping(claimed);
                return;
            }
            for (var task : claimed) {
                accept(task);
            }
            if (claimed.size() < want) {
                waitForWork(pollWait(claimStarted));
            }
        }
    }

    /** Waits until enough room is free to claim; how many to claim, 0 once stopping. */
    private int awaitRoom() throws InterruptedException {
        lock.lock();
        try {
            long deadline = 0;
            while (true) {
                if (stopping) {
                    return 0;
                }
                int free = capacity - heldHere;
                int threshold = heldHere == 0 ? 1 : Math.max(1, Math.min(settings.batchSize(), capacity) / 2);
                if (free >= threshold) {
                    return Math.min(free, settings.batchSize());
                }
                if (free > 0) {
                    // a few slots are free: wait a moment for more, to claim in a batch
                    if (deadline == 0) {
                        deadline = System.nanoTime() + BATCHING_WAIT_NANOS;
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return Math.min(free, settings.batchSize());
                    }
                    room.awaitNanos(left);
                } else {
                    room.await();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** stop() came during the claim: give the tasks back at once (exhausted ones are only recorded as failed). */
    private void giveBackClaimedWhileStopping(List<ClaimedTask> claimed) {
        var back = claimed.stream().filter(t -> !t.exhausted()).map(ClaimedTask::id).toList();
        if (!back.isEmpty()) {
            try {
                settings.engine().release(setup.workerId(), back);
            } catch (RuntimeException e) {
                LOG.warn("Worker {} could not give back {} task(s) claimed while stopping; they will run again once their "
                        + "lease expires: {}", setup.workerId(), back.size(), e.toString());
            }
        }
        claimed.stream().filter(ClaimedTask::exhausted).forEach(this::accept);
    }

    /** The poll interval, or less when a retry this worker scheduled falls due sooner. */
    private Duration pollWait(long claimStarted) {
        var pollInterval = settings.pollInterval();
        long due = setup.outcomes().nextRetryMillis();
        if (due == Long.MAX_VALUE) {
            return pollInterval;
        }
        if (due < claimStarted) {
            setup.outcomes().retrySeen(due); // the claim that just ran saw it
            return pollInterval;
        }
        long wait = Math.max(1, due - clock.millis() + 2);
        return wait < pollInterval.toMillis() ? Duration.ofMillis(wait) : pollInterval;
    }

    private void waitForWork(Duration timeout) {
        lock.lock();
        try {
            if (stopping) {
                return;
            }
            awaiting = true;
        } finally {
            lock.unlock();
        }
        try {
            settings.engine().awaitWork(timeout);
        } catch (InterruptedException e) {
            // stopClaiming() interrupts only this wait
        } finally {
            lock.lock();
            try {
                awaiting = false;
                Thread.interrupted();
            } finally {
                lock.unlock();
            }
        }
    }

    private void accept(ClaimedTask task) {
        var execution = new TaskExecution(task, this, setup);
        if (!held.add(execution)) {
            // this worker's own lease on a task it still runs had lapsed and it claimed the task again: keep the one execution
            LOG.warn("Worker {} claimed task {} ({}) again while still running it (its lease had lapsed); not starting it twice",
                    setup.workerId(), task.id(), task.name());
            return;
        }
        lock.lock();
        try {
            heldHere++;
        } finally {
            lock.unlock();
        }
        if (task.recovered()) {
            setup.metrics().of(task).recovered.increment();
            TaskExecution.withMdc(task, () -> LOG.warn("Recovered durable task {} ({}) from worker {}, whose lease expired during attempt {}",
                    task.name(), task.id(), task.lostBy(), task.attempt() - 1));
        }
        if (task.exhausted()) {
            execution.endUnstarted();
            TaskExecution.withMdc(task, () -> setup.recorder().record(execution, setup.outcomes().workerLost(task)));
            return;
        }
        boolean startNow;
        lock.lock();
        try {
            startNow = running < concurrency;
            if (startNow) {
                running++;
            } else {
                buffer.add(execution);
            }
        } finally {
            lock.unlock();
        }
        if (startNow) {
            start(execution);
        }
    }

    private void start(TaskExecution execution) {
        if (!execution.begin()) {
            taskEnded();
            return;
        }
        setup.threads().execute(execution::run);
    }

    /** A task's thread ended (or its start was skipped): its slot is free; start the next buffered task. */
    void taskEnded() {
        TaskExecution next = null;
        lock.lock();
        try {
            running--;
            if (!stopping) {
                next = buffer.poll();
                if (next != null) {
                    running++;
                }
            }
        } finally {
            lock.unlock();
        }
        if (next != null) {
            start(next);
        }
    }

    /** A task of this queue left the worker: its place in the capacity is free. */
    void freed() {
        lock.lock();
        try {
            heldHere--;
            room.signal();
        } finally {
            lock.unlock();
        }
    }

    /** A buffered task whose lease was lost leaves the buffer. */
    void removeBuffered(TaskExecution execution) {
        lock.lock();
        try {
            buffer.remove(execution);
        } finally {
            lock.unlock();
        }
    }
}
