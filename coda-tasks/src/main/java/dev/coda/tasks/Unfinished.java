package dev.coda.tasks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The units of work handed to a runtime and not finished yet (waiting for a slot, or running), so that
 * shutdown can wait for them and, past its deadline, cancel and name their tasks. Each unit is linked
 * through its own fields ({@link Batch#stripe}, {@link Batch#previous}, {@link Batch#next}) into one of a
 * few lists, each guarded by its own monitor and chosen at random: adding and removing a unit allocates
 * nothing, and the threads that dispatch units and those that finish them seldom take the same lock at
 * the same time. (It replaces a concurrent set, which allocated a node per unit and counted its size in
 * one shared place.)
 */
final class Unfinished {

    /** One list; padded so that two stripes' heads are not in one cache line. */
    @SuppressWarnings("unused")
    private static final class Stripe {
        Batch head;
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

    /** Links the unit in; a unit is added once. */
    void add(Batch batch) {
        var stripe = stripes[ThreadLocalRandom.current().nextInt() & (stripes.length - 1)];
        synchronized (stripe) {
            var head = stripe.head;
            batch.stripe = stripe;
            batch.previous = null;
            batch.next = head;
            if (head != null) {
                head.previous = batch;
            }
            stripe.head = batch;
        }
    }

    /**
     * Unlinks the unit; one not linked (removed already) is left alone. Called after {@link #add} happened
     * before it: by the thread that added the unit, or by one it was handed to.
     */
    void remove(Batch batch) {
        if (!(batch.stripe instanceof Stripe stripe)) {
            return;
        }
        synchronized (stripe) {
            if (batch.stripe != stripe) {
                return;
            }
            var before = batch.previous;
            var after = batch.next;
            if (before == null) {
                stripe.head = after;
            } else {
                before.next = after;
            }
            if (after != null) {
                after.previous = before;
            }
            batch.stripe = null;
            batch.previous = null;
            batch.next = null;
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

    /** The units linked in now. */
    List<Batch> list() {
        var out = new ArrayList<Batch>();
        for (var stripe : stripes) {
            synchronized (stripe) {
                for (var batch = stripe.head; batch != null; batch = batch.next) {
                    out.add(batch);
                }
            }
        }
        return out;
    }
}
