package dev.coda.benchmarks;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coda.tasks.internal.Json;
import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Writing a small answer with the app's {@link ObjectMapper}, as {@code Application} does for every JSON response. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class JsonBenchmark {

    /** The items example's {@code GET /items/{item_id}} answer. */
    public record ItemQuery(@JsonProperty("item_id") BigInteger itemId, Optional<String> q) {
    }

    private final ObjectMapper mapper = Json.newMapper();
    private final ItemQuery item = new ItemQuery(BigInteger.valueOf(5), Optional.of("x"));
    private final Map<String, String> message = Map.of("message", "Message sent");

    /** {@code {"item_id":5,"q":"x"}}. */
    @Benchmark
    public byte[] record() throws JsonProcessingException {
        return mapper.writeValueAsBytes(item);
    }

    /** Tutorial002's {@code {"message":"Message sent"}}. */
    @Benchmark
    public byte[] map() throws JsonProcessingException {
        return mapper.writeValueAsBytes(message);
    }
}
