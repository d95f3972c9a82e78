package dev.coda.benchmarks;

import dev.coda.Coda;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One tutorial002 request through {@code Application.handle}, as {@link BindingBenchmark#tutorial002}, with the app-wide
 * middleware of {@code middleware}: {@code none} (the request path without a chain, which must cost what it cost before
 * middleware existed), {@code passThrough} (one middleware returning what {@code proceed()} gave: the route's outcome is
 * kept as it is), {@code header} (one middleware adding a header: the response is rendered again). Run with
 * {@code -prof gc} to compare the allocation per request.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MiddlewareBenchmark {

    @Param({"none", "passThrough", "header"})
    public String middleware;

    private Application application;
    private FakeInput tutorial002;

    @Setup
    public void setUp() {
        var builder = Coda.app().routes(new Tutorial002());
        switch (middleware) {
            case "passThrough" -> builder.middleware((request, chain) -> chain.proceed());
            case "header" -> builder.middleware((request, chain) -> chain.proceed().header("X-Frame-Options", "DENY"));
            default -> { }
        }
        application = Tutorial002Request.checked(builder.build());
        tutorial002 = Tutorial002Request.request();
    }

    @Benchmark
    public Outcome tutorial002() {
        return application.handle(tutorial002);
    }
}
