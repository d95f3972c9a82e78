package dev.coda.durable.internal;

import dev.coda.durable.TaskEngine;
import dev.coda.durable.TaskEngine.Completion;
import dev.coda.tasks.internal.SummarizedLog;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Records the outcomes of a worker's tasks in group commits, on one thread: takes every completion that
 * has come (up to 1,000) into one {@link TaskEngine#complete} call, retries it with a {@link Backoff} while
 * the database fails, then lets the tasks go from {@link HeldTasks}. At shutdown it records what has come
 * and stops, giving up on a batch after three failed tries (those tasks run again once their lease ends).
 *
 * <pre>{@code
 * var recorder = new CompletionRecorder(engine, workerId, held, clock);
 * recorder.start("coda-durable-commit-" + workerId);
 * recorder.record(execution, completion);
 * recorder.stop(Duration.ofSeconds(10));
 * }</pre>
 */
public final class CompletionRecorder {

    private static final Logger LOG = LoggerFactory.getLogger("dev.coda.durable");
    private static final int MAX_BATCH = 1_000;
    private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(100), 2.0, Duration.ofSeconds(2));

    private record Finished(TaskExecution execution, Completion completion) {
    }

    private final TaskEngine engine;
    private final String workerId;
    private final HeldTasks held;
    private final SummarizedLog failures;
    private final LinkedBlockingQueue<Finished> finished = new LinkedBlockingQueue<>();
    private volatile boolean stopping;
    private Thread thread;

    public CompletionRecorder(TaskEngine engine, String workerId, HeldTasks held, InstantSource clock) {
        this.engine = engine;
        this.workerId = workerId;
        this.held = held;
        // while the database is down every commit fails: one line, then one per 10 s
        this.failures = new SummarizedLog(LOG, Level.WARN, Duration.ofSeconds(10), clock);
    }

    /** Records {@code completion} of {@code execution}'s task in a coming commit. */
    void record(TaskExecution execution, Completion completion) {
        finished.add(new Finished(execution, completion));
    }

    /** Starts the commit thread. */
    public void start(String threadName) {
        thread = Thread.ofPlatform().daemon().name(threadName).start(this::commitLoop);
    }

    /** Records what has come, then stops; waits at most {@code timeout} for that. */
    public void stop(Duration timeout) {
        stopping = true;
        Joins.join(thread, timeout);
    }

    private void commitLoop() {
        var batch = new ArrayList<Finished>();
        var completions = new ArrayList<Completion>();
        while (true) {
            Finished first;
            try {
                first = finished.poll(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                first = null;
            }
            if (first == null) {
                if (stopping && finished.isEmpty()) {
                    return;
                }
                continue;
            }
            batch.clear();
            batch.add(first);
            finished.drainTo(batch, MAX_BATCH - 1);
            completions.clear();
            for (var f : batch) {
                completions.add(f.completion);
            }
            commit(completions);
            for (var f : batch) {
                held.forget(f.execution);
            }
        }
    }

    private void commit(ArrayList<Completion> completions) {
        int tries = 0;
        while (true) {
            try {
                engine.complete(workerId, completions);
                return;
            } catch (RuntimeException e) {
                tries++;
                if (stopping && tries >= 3) {
                    LOG.error("Worker {} could not record the outcome of {} task(s) before stopping; they will run again once "
                            + "their lease expires: {}", workerId, completions.size(), e.toString());
                    return;
                }
                failures.record("Worker {} could not record the outcome of {} task(s) (try {}); retrying: {}", workerId,
                        completions.size(), tries, e.getMessage());
                try {
                    Thread.sleep(BACKOFF.after(tries));
                } catch (InterruptedException interrupted) {
                    // keep trying until told to stop
                }
            }
        }
    }
}
