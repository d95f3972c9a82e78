package dev.coda.benchmarks;

import dev.coda.examples.Tutorial002;
import dev.coda.internal.server.Application;
import dev.coda.internal.server.Outcome;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One tutorial002 request through {@link Application#handle}, without a socket: route matching, the
 * request state and id, binding {@code email} and {@code q}, resolving the {@code getQuery} dependency and
 * the shared {@code BackgroundTasks} (two {@code addTask} calls), calling the path operation through its
 * {@code CallPlan}, and writing the JSON answer. The tasks are not dispatched here (see {@link TasksBenchmark}).
 * {@code tutorial002OnNewVirtualThread} handles each request on a new virtual thread, as the server does
 * (a new thread starts with empty thread-locals: what a per-thread cache keeps is lost); compare its
 * allocation ({@code -prof gc}) with {@code tutorial002}, and its time with {@code emptyVirtualThread}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BindingBenchmark {

    private Application application;
    private FakeInput tutorial002;

    @Setup
    public void setUp() {
        application = Tutorial002Request.checked(Tutorial002.app());
        tutorial002 = Tutorial002Request.request();
    }

    @Benchmark
    public Outcome tutorial002() {
        return application.handle(tutorial002);
    }

    @Benchmark
    public Outcome tutorial002OnNewVirtualThread() throws InterruptedException {
        var result = new Outcome[1];
        Thread.ofVirtual().start(() -> result[0] = application.handle(tutorial002)).join();
        return result[0];
    }

    /** The floor of {@code tutorial002OnNewVirtualThread}: starting and joining a virtual thread that does nothing. */
    @Benchmark
    public Thread emptyVirtualThread() throws InterruptedException {
        var thread = Thread.ofVirtual().start(() -> { });
        thread.join();
        return thread;
    }
}
