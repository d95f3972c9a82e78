package dev.coda.tasks.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one Jackson setup of Coda, for request and response bodies (coda-web) and for durable task arguments and
 * results (coda-durable): java.time as ISO-8601 text (dates keep their offset), {@code Optional} as value or null,
 * no trailing tokens, no {@code null} for a primitive, Python's {@code NaN}/{@code Infinity}, and read limits.
 *
 * <pre>{@code
 * ObjectMapper mapper = Json.newMapper();
 * mapper.writeValueAsString(Map.of("at", Instant.EPOCH));   // {"at":"1970-01-01T00:00:00Z"}
 * }</pre>
 */
public final class Json {
    private Json() {
    }

    /**
     * What a request body may hold, checked while it is parsed (docs/reliability.md). Jackson's defaults, spelled
     * out so that a Jackson upgrade cannot move them silently: nesting a little deeper than Python's recursion
     * limit lets FastAPI read, numbers far longer than any real value (a {@code double} has 17 significant
     * digits), strings longer than the default body limit, and property names of 50,000 bytes.
     */
    public static final StreamReadConstraints READ_LIMITS = StreamReadConstraints.builder()
            .maxNestingDepth(1000)
            .maxNumberLength(1000)
            .maxStringLength(20_000_000)
            .maxNameLength(50_000)
            .build();

    /**
     * Twice the read depth: a body read at the depth limit is written back inside a response or the 422 that
     * quotes it as {@code input}; the limit still stops a runaway (cyclic) object graph before the stack does.
     */
    private static final StreamWriteConstraints WRITE_LIMITS = StreamWriteConstraints.builder()
            .maxNestingDepth(2 * READ_LIMITS.getMaxNestingDepth())
            .build();

    /**
     * A new mapper. Jackson's default buffer pool is per thread; every request and every durable task runs on a
     * new virtual thread, so it would allocate fresh read and write buffers (about 12 KB) for each. A pool shared
     * by all threads reuses them (docs/performance.md).
     */
    public static ObjectMapper newMapper() {
        var factory = JsonFactory.builder().recyclerPool(JsonRecyclerPools.newConcurrentDequePool())
                .streamReadConstraints(READ_LIMITS).streamWriteConstraints(WRITE_LIMITS).build();
        return JsonMapper.builder(factory)
                .addModule(new Jdk8Module())
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .build();
    }
}
