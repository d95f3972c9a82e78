package dev.coda.benchmarks;

import dev.coda.tasks.internal.TaskIds;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A task id, made for every task added: the one generator ({@link TaskIds}, random bits from striped
 * {@code SecureRandom}s) against the same UUIDv7 with {@code ThreadLocalRandom} bits (guessable), on two threads.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(1)
@Threads(2)
public class TaskIdBenchmark {

    @Benchmark
    public UUID secureRandomBits() {
        return TaskIds.nextUuid();
    }

    /** The baseline: {@code TaskIds} as it was before its random bits came from {@code SecureRandom}. */
    private static final AtomicLong LAST = new AtomicLong();

    @Benchmark
    public UUID threadLocalRandomBits() {
        long now = System.currentTimeMillis();
        long next;
        while (true) {
            long last = LAST.get();
            next = now > last >>> 12 ? now << 12 | ThreadLocalRandom.current().nextInt(0x400) : last + 1;
            if (LAST.compareAndSet(last, next)) {
                break;
            }
        }
        long msb = ((next >>> 12) << 16) | 0x7000L | (next & 0xFFF);
        long lsb = (ThreadLocalRandom.current().nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }
}
