package dev.coda.durable.internal;

import dev.coda.durable.TaskEngine.NewTask;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Group commit of concurrent enqueue calls, by flat combining: a caller queues its tasks and tries the
 * lock; whoever holds it stores everything queued so far in one transaction, its own tasks and those of
 * the callers waiting behind it, and wakes them with their ids. A lone caller stores its own tasks with
 * no hand-off to another thread; under concurrency one commit (one {@code fsync} on PostgreSQL) serves
 * many requests instead of one. Waiters learn of their result without taking the lock (a convoy through
 * the lock would let only one caller at a time queue new work).
 */
final class GroupCommit {

    /** At most this many tasks in one group's transaction. */
    static final int MAX_TASKS = 1_000;

    /** One enqueue call: its tasks, then its ids or its failure. */
    static final class Pending {

        private final List<NewTask> tasks;
        private final Thread caller = Thread.currentThread();
        private List<String> ids;
        private RuntimeException failure;
        private volatile boolean done;

        Pending(List<NewTask> tasks) {
            this.tasks = tasks;
        }

        List<NewTask> tasks() {
            return tasks;
        }

        void succeed(List<String> stored) {
            ids = stored;
            done = true;
        }

        void fail(RuntimeException e) {
            failure = e;
            done = true;
        }

        boolean done() {
            return done;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final Consumer<List<Pending>> store;

    /** {@code store} stores a group and completes every one of its calls. */
    GroupCommit(Consumer<List<Pending>> store) {
        this.store = store;
    }

    /** Stores {@code tasks}, perhaps together with other callers' tasks; returns their ids in order. */
    List<String> store(List<NewTask> tasks) {
        var pending = new Pending(tasks);
        queue.add(pending);
        while (!pending.done()) {
            if (lock.tryLock()) {
                try {
                    while (!pending.done()) {
                        storeQueued();
                    }
                } finally {
                    lock.unlock();
                }
                // calls queued meanwhile: wake one of their callers to store them
                var next = queue.peek();
                if (next != null) {
                    LockSupport.unpark(next.caller);
                }
                break;
            }
            LockSupport.park(this);
        }
        if (pending.failure != null) {
            throw pending.failure;
        }
        return pending.ids;
    }

    /** Calls waiting to be stored (for tests). */
    int queued() {
        return queue.size();
    }

    private void storeQueued() {
        var group = new ArrayList<Pending>();
        int count = 0;
        Pending next;
        while (count < MAX_TASKS && (next = queue.poll()) != null) {
            group.add(next);
            count += next.tasks().size();
        }
        try {
            store.accept(group);
        } catch (RuntimeException | Error e) {
            for (var pending : group) {
                if (!pending.done()) {
                    pending.fail(e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e));
                }
            }
        } finally {
            for (var pending : group) {
                if (pending.caller != Thread.currentThread()) {
                    LockSupport.unpark(pending.caller);
                }
            }
        }
    }
}
