package dev.coda.tasks;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Task ids: UUID version 7, time-ordered and monotonic within a process (RFC 9562, method 1: the 12 bits
 * after the timestamp count the ids of one millisecond), so that a durable engine that orders ready tasks
 * by id keeps those made in one millisecond first-in first-out. The handle of a durable task shows the id
 * it is stored under. Ids are unique, not secret: authorise access to a task, do not rely on its id.
 */
final class TaskIds {

    /**
     * The last id's millisecond and counter, {@code millis << 12 | counter}: one value, moved forward with a
     * compare-and-set, so that request threads making ids at the same time never wait on a lock for it.
     */
    private static final AtomicLong LAST = new AtomicLong();

    private TaskIds() {
    }

    static String next() {
        return nextUuid().toString();
    }

    static UUID nextUuid() {
        long now = System.currentTimeMillis();
        long next;
        while (true) {
            long last = LAST.get();
            // A new millisecond starts its counter at a random value below 0x400; within one (or when the clock
            // went back) the counter goes up, and past 0xFFF it carries into the millisecond, which moves ahead.
            next = now > last >>> 12 ? now << 12 | ThreadLocalRandom.current().nextInt(0x400) : last + 1;
            if (LAST.compareAndSet(last, next)) {
                break;
            }
        }
        long millis = next >>> 12;
        long counter = next & 0xFFF;
        long msb = (millis << 16) | 0x7000L | counter;
        long lsb = (ThreadLocalRandom.current().nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }
}
