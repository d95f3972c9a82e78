package dev.coda.tasks;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The runtime's admission control: at most {@code maxConcurrency} task lists hold a slot (run) at a time, at
 * most {@code maxQueuedTasks} tasks wait to start, and the task lists that found no free slot wait in line,
 * oldest first. It only counts and queues; starting a task list and running its tasks is the runtime's.
 *
 * <pre>{@code
 * var admission = new Admission<TaskList>(64, 10_000);
 * if (admission.tryStart(list.size)) {          // a free slot, the tasks fit: run it now
 *     start(list);
 * } else if (admission.tryCount(list.size)) {   // no slot: count its tasks and queue it
 *     admission.enqueue(list);
 *     for (TaskList next; (next = admission.nextToStart()) != null; ) start(next);
 * }
 * // on the task list's thread: admission.taskStarted() per task, then
 * admission.release();   // and start what nextToStart() gives
 * }</pre>
 *
 * @param <T> what waits in line (the runtime's task lists)
 */
final class Admission<T> {

    /** One slot in {@link #counts}. */
    private static final long SLOT = 1L << 32;

    private final int maxConcurrency;
    private final int maxQueuedTasks;

    /**
     * Two counts in one word: the tasks waiting to start (low 32 bits) and the task lists holding a slot (high
     * 32 bits). So a task list that can start at once takes its slot and counts its tasks with one
     * compare-and-set, and a task list's thread finds both counts in one cache line.
     */
    private final AtomicLong counts = new PaddedLong();
    /** Task lists waiting for a slot, oldest first; taken out only through {@link #poll()}. */
    private final ConcurrentLinkedDeque<T> waiting = new ConcurrentLinkedDeque<>();
    /**
     * How many task lists {@link #waiting} holds, counted after adding and after taking out, so briefly off by
     * the adds and polls under way; checked on the hot path instead of {@code waiting.isEmpty()}, which walks
     * the unlinked nodes the deque leaves behind its head.
     */
    private final AtomicInteger waitingLists = new PaddedInt();

    // The counters change on the dispatching thread and on the task lists' threads, on different cores: padded,
    // each has a cache line to itself, so that a change to one does not take the line of the other (false sharing).

    /** An {@code AtomicInteger} on a cache line of its own (the runtime's count of running tasks is one too). */
    @SuppressWarnings("unused")
    static final class PaddedInt extends AtomicInteger {
        private long p0, p1, p2, p3, p4, p5, p6, p7;
    }

    @SuppressWarnings("unused")
    private static final class PaddedLong extends AtomicLong {
        private long p0, p1, p2, p3, p4, p5, p6, p7;
    }

    Admission(int maxConcurrency, int maxQueuedTasks) {
        this.maxConcurrency = maxConcurrency;
        this.maxQueuedTasks = maxQueuedTasks;
    }

    int maxQueuedTasks() {
        return maxQueuedTasks;
    }

    /**
     * Takes a slot and counts {@code uncounted} more tasks, in one step, if nothing waits in line, a slot is
     * free and the tasks fit; returns whether it did (then the caller starts its task list at once).
     */
    boolean tryStart(int uncounted) {
        if (waitingLists.get() > 0) {
            return false;       // first come, first served: the waiting go first
        }
        for (long now = counts.get(); running(now) < maxConcurrency && fits(now, uncounted); now = counts.get()) {
            if (counts.compareAndSet(now, now + SLOT + uncounted)) {
                return true;
            }
        }
        return false;
    }

    /** Counts {@code tasks} more tasks as waiting if they fit; returns whether it did. */
    boolean tryCount(int tasks) {
        while (true) {
            long now = counts.get();
            if (!fits(now, tasks)) {
                return false;
            }
            if (counts.compareAndSet(now, now + tasks)) {
                return true;
            }
        }
    }

    /** Gives back {@code tasks} counted tasks that will not start (refused, rejected, cancelled). */
    void uncount(int tasks) {
        counts.addAndGet(-tasks);
    }

    /** One counted task has left the line: it starts (or is skipped) on its task list's thread. */
    void taskStarted() {
        counts.decrementAndGet();
    }

    /** Puts a task list, its tasks counted, in line for a slot; follow with {@link #nextToStart()}. */
    void enqueue(T item) {
        waiting.addLast(item);
        waitingLists.incrementAndGet();
    }

    /** Gives back a task list's slot; follow with {@link #nextToStart()}. */
    void release() {
        counts.addAndGet(-SLOT);
    }

    /**
     * The oldest waiting task list, given a slot, or {@code null} when none waits or no slot is free. Every
     * {@link #enqueue} and every {@link #release} is followed by calls of this until it returns {@code null}:
     * whichever of the two comes second sees both the task list and the free slot.
     */
    T nextToStart() {
        while (waitingLists.get() > 0 && takeSlot()) {
            var next = poll();
            if (next != null) {
                return next;
            }
            // Taken by another thread meanwhile (whose count may not be down yet): give the slot back and look again.
            release();
            Thread.onSpinWait();
        }
        return null;
    }

    /** The oldest waiting task list, taken out of line without a slot, or {@code null}. */
    T poll() {
        var item = waiting.pollFirst();
        if (item != null) {
            waitingLists.decrementAndGet();
        }
        return item;
    }

    /** Tasks counted as waiting to start. */
    int queuedTasks() {
        return (int) counts.get();
    }

    /** Task lists holding a slot. */
    int runningLists() {
        return running(counts.get());
    }

    private boolean takeSlot() {
        while (true) {
            long now = counts.get();
            if (running(now) >= maxConcurrency) {
                return false;
            }
            if (counts.compareAndSet(now, now + SLOT)) {
                return true;
            }
        }
    }

    private static int running(long counts) {
        return (int) (counts >>> 32);
    }

    private boolean fits(long counts, int tasks) {
        return (long) (int) counts + tasks <= maxQueuedTasks;
    }
}
