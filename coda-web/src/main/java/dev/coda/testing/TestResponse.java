package dev.coda.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coda.tasks.TaskHandle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A response received by the {@link TestClient}.
 *
 * <pre>{@code
 * var response = client.get("/items/foo");
 * assertThat(response.status()).isEqualTo(422);
 * assertThat(response.header("content-type")).contains("application/json");
 * }</pre>
 */
public final class TestResponse {

    private final int status;
    private final Map<String, List<String>> headers;
    private final byte[] body;
    private final ObjectMapper mapper;
    private final List<TaskHandle> tasks;

    TestResponse(int status, Map<String, List<String>> headers, byte[] body, ObjectMapper mapper) {
        this(status, headers, body, mapper, List.of());
    }

    private TestResponse(int status, Map<String, List<String>> headers, byte[] body, ObjectMapper mapper, List<TaskHandle> tasks) {
        this.status = status;
        this.headers = headers;
        this.body = body == null ? new byte[0] : body;
        this.mapper = mapper;
        this.tasks = List.copyOf(tasks);
    }

    TestResponse withTasks(List<TaskHandle> handles) {
        return new TestResponse(status, headers, body, mapper, handles);
    }

    /**
     * The background tasks the request added, in the order they run: finished in
     * {@link TestClient.TaskMode#AWAIT}, still queued in {@link TestClient.TaskMode#HOLD}.
     */
    public List<TaskHandle> tasks() {
        return tasks;
    }

    public int status() {
        return status;
    }

    /** The first value of a header (names are case-insensitive). */
    public Optional<String> header(String name) {
        var values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    /** Every header, names in lower case. */
    public Map<String, List<String>> headers() {
        return headers;
    }

    public byte[] bytes() {
        return body.clone();
    }

    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The body parsed as JSON into maps, lists, strings, numbers, booleans and {@code null}. */
    public Object json() {
        return json(Object.class);
    }

    /** The body parsed as JSON into {@code type}. */
    public <T> T json(Class<T> type) {
        try {
            return mapper.readValue(body, type);
        } catch (IOException e) {
            throw new UncheckedIOException("the body is not JSON: " + text(), e);
        }
    }

    @Override
    public String toString() {
        return status + " " + text();
    }
}
