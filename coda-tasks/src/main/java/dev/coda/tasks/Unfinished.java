package dev.coda.tasks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The task lists handed to a runtime and not finished yet (waiting for a slot, or running), so that
 * shutdown can wait for them and, past its deadline, cancel and name their tasks. Each task list is linked
 * through its own fields ({@link TaskList#stripe}, {@link TaskList#previous}, {@link TaskList#next}) into one of a
 * few lists, each guarded by its own monitor and chosen at random: adding and removing a task list allocates
 * nothing, and the threads that dispatch task lists and those that finish them seldom take the same lock at
 * the same time (docs/performance.md).
 */
final class Unfinished {

    /** One list; padded so that two stripes' heads are not in one cache line. */
    @SuppressWarnings("unused")
    private static final class Stripe {
        TaskList head;
        long p0, p1, p2, p3, p4, p5, p6, p7;
    }

    private final Stripe[] stripes;

    Unfinished() {
        int n = 1;
        int wanted = Math.min(64, 4 * Runtime.getRuntime().availableProcessors());
        while (n < wanted) {
            n <<= 1;
        }
        stripes = new Stripe[n];
        for (int i = 0; i < n; i++) {
            stripes[i] = new Stripe();
        }
    }

    /** Links the task list in; a task list is added once. */
    void add(TaskList taskList) {
        var stripe = stripes[ThreadLocalRandom.current().nextInt() & (stripes.length - 1)];
        synchronized (stripe) {
            var head = stripe.head;
            taskList.stripe = stripe;
            taskList.previous = null;
            taskList.next = head;
            if (head != null) {
                head.previous = taskList;
            }
            stripe.head = taskList;
        }
    }

    /**
     * Unlinks the task list; one not linked (removed already) is left alone. Called after {@link #add} happened
     * before it: by the thread that added the task list, or by one it was handed to.
     */
    void remove(TaskList taskList) {
        if (!(taskList.stripe instanceof Stripe stripe)) {
            return;
        }
        synchronized (stripe) {
            if (taskList.stripe != stripe) {
                return;
            }
            var before = taskList.previous;
            var after = taskList.next;
            if (before == null) {
                stripe.head = after;
            } else {
                before.next = after;
            }
            if (after != null) {
                after.previous = before;
            }
            taskList.stripe = null;
            taskList.previous = null;
            taskList.next = null;
        }
    }

    boolean isEmpty() {
        for (var stripe : stripes) {
            synchronized (stripe) {
                if (stripe.head != null) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The task lists linked in now. */
    List<TaskList> list() {
        var out = new ArrayList<TaskList>();
        for (var stripe : stripes) {
            synchronized (stripe) {
                for (var taskList = stripe.head; taskList != null; taskList = taskList.next) {
                    out.add(taskList);
                }
            }
        }
        return out;
    }
}
