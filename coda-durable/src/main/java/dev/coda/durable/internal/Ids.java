package dev.coda.durable.internal;

import java.security.SecureRandom;
import java.util.UUID;

/** Task ids: UUID version 7 (time-ordered, so that inserts append to the primary key index; 74 random bits). */
final class Ids {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    static String next() {
        long millis = System.currentTimeMillis();
        long r1 = RANDOM.nextLong();
        long r2 = RANDOM.nextLong();
        long msb = (millis << 16) | 0x7000L | (r1 & 0x0FFFL);
        long lsb = (r2 & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }
}
