package dev.coda.tasks.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Task ids, the one generator of in-process and durable tasks: UUID version 7, time-ordered (a durable engine's
 * inserts append to its primary-key index) and monotonic within a process (RFC 9562, method 1: the 12 bits
 * after the timestamp count the ids of one millisecond), so that ids made in one millisecond keep their
 * order. Their 62 random bits come from a {@link SecureRandom}, so an id is unguessable: a task's status
 * can be looked up by its id without the id of one task telling the ids of others.
 *
 * <pre>{@code
 * UUID id = TaskIds.nextUuid();    // 0192f5c4-8a31-7d2e-9b6f-2c41e07a5d13
 * String text = TaskIds.next();
 * }</pre>
 */
public final class TaskIds {

    /**
     * The last id's millisecond and counter, {@code millis << 12 | counter}: one value, moved forward with a
     * compare-and-set, so that request threads making ids at the same time never wait on a lock for it.
     */
    private static final AtomicLong LAST = new AtomicLong();

    /**
     * Several generators, each behind its own lock and picked at random per id, so that threads making ids at
     * the same time seldom wait for the same one (a {@code SecureRandom} serialises its callers).
     */
    private static final RandomBits[] RANDOMS = randoms(2 * Runtime.getRuntime().availableProcessors());

    private TaskIds() {
    }

    /** A new id, as text. */
    public static String next() {
        return nextUuid().toString();
    }

    /** A new id. */
    public static UUID nextUuid() {
        return new UUID(nextTimeBits(), randomBits());
    }

    /**
     * The time-ordered half of a new id (its most significant 64 bits: millisecond, version, counter), for a caller
     * that adds the {@linkplain #randomBits() random half} only when the id is first shown.
     */
    public static long nextTimeBits() {
        long now = System.currentTimeMillis();
        long next;
        while (true) {
            long last = LAST.get();
            // A new millisecond starts its counter at a random value below 0x400; within one (or when the clock
            // went back) the counter goes up, and past 0xFFF it carries into the millisecond, which moves ahead.
            // (The counter's start need not be secret: the 62 random bits below are.)
            next = now > last >>> 12 ? now << 12 | ThreadLocalRandom.current().nextInt(0x400) : last + 1;
            if (LAST.compareAndSet(last, next)) {
                break;
            }
        }
        long millis = next >>> 12;
        long counter = next & 0xFFF;
        return (millis << 16) | 0x7000L | counter;
    }

    /** The random half of an id (its least significant 64 bits): the RFC's variant, then 62 bits from {@code SecureRandom}. */
    public static long randomBits() {
        var random = RANDOMS[ThreadLocalRandom.current().nextInt(RANDOMS.length)];
        return (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    }

    private static RandomBits[] randoms(int count) {
        var randoms = new RandomBits[count];
        for (int i = 0; i < count; i++) {
            randoms[i] = new RandomBits(newRandom());
        }
        return randoms;
    }

    /**
     * A {@code SecureRandom}'s output, drawn 1 KB at a time: a DRBG call costs about the same for 8 bytes as for
     * a kilobyte (docs/performance.md), and buffered output is as unpredictable as the generator's.
     */
    private static final class RandomBits {
        private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
        private final SecureRandom random;
        private final byte[] buffer = new byte[1024];
        private int next = buffer.length;

        RandomBits(SecureRandom random) {
            this.random = random;
        }

        synchronized long nextLong() {
            if (next == buffer.length) {
                random.nextBytes(buffer);
                next = 0;
            }
            long bits = (long) LONGS.get(buffer, next);
            next += Long.BYTES;
            return bits;
        }
    }

    /** The JDK's DRBG (NIST SP 800-90A): each instance has a lock of its own, unlike NativePRNG's one lock for all. */
    private static SecureRandom newRandom() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }
}
