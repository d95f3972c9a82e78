package dev.coda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coda.testing.TestResponse;
import java.util.List;
import java.util.Map;

/** Reads FastAPI-shaped 422 answers in tests: {@code {"detail": [{"type", "loc", "msg", "input", "ctx"?}, ...]}}. */
final class Problems {
    private Problems() {
    }

    /** The errors of a 422 answer, failing the test when the answer is not one. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> errors(TestResponse response) {
        assertThat(response.status()).as("status of %s", response).isEqualTo(422);
        assertThat(response.header("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        var body = (Map<String, Object>) response.json();
        assertThat(body).containsOnlyKeys("detail");
        assertThat(body.get("detail")).isInstanceOf(List.class);
        return (List<Map<String, Object>>) body.get("detail");
    }

    /** The {@code loc} of every error, in order. */
    static List<Object> locs(TestResponse response) {
        return errors(response).stream().map(e -> e.get("loc")).toList();
    }

    /** The single error of a 422 answer. */
    static Map<String, Object> onlyError(TestResponse response) {
        var errors = errors(response);
        assertThat(errors).as("errors of %s", response).hasSize(1);
        return errors.getFirst();
    }

    /** {@code ["body", "name"]}-style locations. */
    static List<Object> loc(Object... parts) {
        return List.of(parts);
    }
}
