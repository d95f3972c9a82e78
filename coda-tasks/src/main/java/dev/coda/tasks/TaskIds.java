package dev.coda.tasks;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Task ids: UUID version 7, time-ordered and monotonic within a process (RFC 9562, method 1: the 12 bits
 * after the timestamp count the ids of one millisecond), so that a durable engine that orders ready tasks
 * by id keeps those made in one millisecond first-in first-out. The handle of a durable task shows the id
 * it is stored under. Ids are unique, not secret: authorise access to a task, do not rely on its id.
 */
final class TaskIds {

    private static long lastMillis;
    private static int sequence;

    private TaskIds() {
    }

    static String next() {
        return nextUuid().toString();
    }

    static UUID nextUuid() {
        long millis;
        int counter;
        synchronized (TaskIds.class) {
            millis = System.currentTimeMillis();
            if (millis <= lastMillis) {
                millis = lastMillis;
                if (++sequence > 0xFFF) {
                    millis = ++lastMillis;
                    sequence = 0;
                }
            } else {
                lastMillis = millis;
                sequence = ThreadLocalRandom.current().nextInt(0x400);
            }
            counter = sequence;
        }
        long msb = (millis << 16) | 0x7000L | counter;
        long lsb = (ThreadLocalRandom.current().nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }
}
