package dev.coda.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coda.testing.TestClient;
import dev.coda.testing.TestResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Exchanges recorded from FastAPI by the {@code fastapi-parity/record_*.py} scripts, read and replayed against a Coda app:
 * the parity tests share them, and each asserts what its recording is about.
 *
 * <pre>{@code
 * for (var exchange : FastApiRecording.load("/fastapi-parity/forms.json")) {
 *     var response = FastApiRecording.replay(client, exchange, header -> false);   // body and content type only
 * }
 * }</pre>
 */
final class FastApiRecording {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private FastApiRecording() {
    }

    /** One recorded exchange: FastAPI's answer to one request. */
    record Exchange(String name, String method, String path, Map<String, String> headers, String body, int status,
                    Map<String, String> responseHeaders, JsonNode response) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** What Coda answers instead of FastAPI for one exchange, and why. */
    record Difference(int status, Object body, String reason) {
    }

    /** The exchanges of a recording ({@code {"cases": [...]}}), in their order. */
    static List<Exchange> load(String resource) {
        try (var in = FastApiRecording.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the test class path");
            }
            var exchanges = new ArrayList<Exchange>();
            for (var c : MAPPER.readTree(in).get("cases")) {
                exchanges.add(new Exchange(c.get("name").asText(), c.get("method").asText(), c.get("path").asText(),
                        strings(c.get("headers")), c.get("body").isNull() ? null : c.get("body").asText(),
                        c.get("status").asInt(), strings(c.get("response_headers")), c.get("response")));
            }
            return List.copyOf(exchanges);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A recorded JSON object of strings (headers), in its order. */
    static Map<String, String> strings(JsonNode object) {
        var out = new LinkedHashMap<String, String>();
        object.fields().forEachRemaining(f -> out.put(f.getKey(), f.getValue().asText()));
        return out;
    }

    /** Sends the exchange's request with its body and content type, and those of its other headers {@code forwarded} accepts. */
    static TestResponse replay(TestClient client, Exchange exchange, Predicate<String> forwarded) {
        var request = client.request(exchange.method(), exchange.path());
        exchange.headers().forEach((name, value) -> {
            if (!name.equals("Content-Type") && forwarded.test(name)) {
                request.header(name, value);
            }
        });
        var contentType = exchange.headers().get("Content-Type");
        if (exchange.body() != null) {
            request.body(exchange.body(), contentType);
        } else if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return request.send();
    }

    /** Checks that each listed difference names a recorded exchange and really changes its outcome. */
    static void assertRealDifferences(List<Exchange> exchanges, Map<String, Difference> differences) {
        var byName = new LinkedHashMap<String, Exchange>();
        exchanges.forEach(e -> byName.put(e.name(), e));
        differences.forEach((name, difference) -> {
            assertThat(byName).containsKey(name);
            var fastApi = byName.get(name);
            assertThat(fastApi.status() != difference.status()
                    || !MAPPER.convertValue(fastApi.response(), Object.class).equals(difference.body()))
                    .as("%s is a real difference: %s", name, difference.reason()).isTrue();
        });
    }
}
