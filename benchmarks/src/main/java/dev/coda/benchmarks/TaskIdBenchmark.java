package dev.coda.benchmarks;

import dev.coda.tasks.internal.TaskIds;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A task id, made for every task added ({@link TaskIds}: random bits from buffered, striped {@code SecureRandom}s),
 * on two threads. The figures, and those of the generator before it, are in docs/performance.md.
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
}
