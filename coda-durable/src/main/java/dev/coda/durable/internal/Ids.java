package dev.coda.durable.internal;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Task ids: UUID version 7, time-ordered (inserts append to the primary-key index) and monotonic within
 * a process (RFC 9562, method 1: the 12 bits after the timestamp count ids made in the same millisecond),
 * so that ids break ties between tasks of one priority and {@code run_at} in the order they were made.
 * 62 random bits make them unguessable.
 */
final class Ids {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static long lastMillis;
    private static int sequence;

    private Ids() {
    }

    static String next() {
        long millis;
        int counter;
        synchronized (Ids.class) {
            millis = System.currentTimeMillis();
            if (millis <= lastMillis) {
                millis = lastMillis;
                if (++sequence > 0xFFF) {
                    millis = ++lastMillis; // 4096 ids in one millisecond: borrow the next one
                    sequence = 0;
                }
            } else {
                lastMillis = millis;
                sequence = RANDOM.nextInt(0x400); // leaves room for at least 3072 more in this millisecond
            }
            counter = sequence;
        }
        long msb = (millis << 16) | 0x7000L | counter;
        long lsb = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }
}
