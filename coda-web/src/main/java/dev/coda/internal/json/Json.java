package dev.coda.internal.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The Jackson setup Coda reads and writes JSON with: ISO dates, {@code Optional} as value or null. */
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
     * Jackson's default buffer pool is per thread; every request runs on a new virtual thread, so it would
     * allocate fresh read and write buffers (about 12 KB) for each request. A pool shared by the app's threads
     * reuses them (docs/performance.md).
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
                .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }
}
