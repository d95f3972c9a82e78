package dev.coda.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs every JMH benchmark of the module once, briefly and in this JVM (no warm-up, one short measurement,
 * no fork): not a measurement, a check that each benchmark still runs and produces a score. The real runs
 * are {@code java -jar benchmarks/target/coda-benchmarks.jar jmh} (see docs/performance.md).
 */
class BenchmarksSmokeTest {

    private static final List<Class<?>> BENCHMARKS = List.of(RoutingBenchmark.class, BindingBenchmark.class,
            TasksBenchmark.class, JsonBenchmark.class, MiddlewareBenchmark.class);

    @Test
    void everyBenchmarkRunsAndScores() throws Exception {
        var options = new OptionsBuilder()
                .include("dev\\.coda\\.benchmarks\\.(" + String.join("|", BENCHMARKS.stream().map(Class::getSimpleName).toList()) + ")\\.")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(250))
                .timeUnit(TimeUnit.NANOSECONDS)
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT)
                .build();

        var results = new ArrayList<>(new Runner(options).run());

        assertThat(results).extracting(r -> r.getParams().getBenchmark() + r.getParams().getParamsKeys().stream()
                        .map(k -> " " + k + "=" + r.getParams().getParam(k)).reduce("", String::concat))
                .containsExactlyInAnyOrderElementsOf(expectedRuns());
        for (RunResult result : results) {
            var score = result.getPrimaryResult().getScore();
            assertThat(score).as(result.getParams().getBenchmark()).isPositive().isFinite();
            assertThat(result.getPrimaryResult().getSampleCount()).as(result.getParams().getBenchmark()).isPositive();
        }
    }

    /** Every {@code @Benchmark} method, once per value of a {@code @Param} field (the module has at most one per class). */
    private static List<String> expectedRuns() throws NoSuchFieldException {
        var out = new ArrayList<String>();
        for (var type : BENCHMARKS) {
            var param = java.util.Arrays.stream(type.getFields()).filter(f -> f.isAnnotationPresent(Param.class)).toList();
            assertThat(param).as(type + " has at most one @Param").hasSizeLessThanOrEqualTo(1);
            for (Method m : type.getMethods()) {
                if (!m.isAnnotationPresent(Benchmark.class)) {
                    continue;
                }
                var name = type.getName() + "." + m.getName();
                if (param.isEmpty()) {
                    out.add(name);
                } else {
                    for (var value : param.getFirst().getAnnotation(Param.class).value()) {
                        out.add(name + " " + param.getFirst().getName() + "=" + value);
                    }
                }
            }
        }
        return out;
    }
}
