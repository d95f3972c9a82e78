package dev.coda.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coda.Coda;
import dev.coda.testing.TestClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cors example, and three other CORS configurations, answer like FastAPI's {@code CORSMiddleware}: every request
 * recorded from FastAPI 0.142 / Starlette 1.x ({@code fastapi-parity/cors.json}, written by {@code record_cors.py})
 * is replayed, and Coda must give the same status, the same body and exactly the same {@code Access-Control-*} and
 * {@code Vary} headers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CorsParityTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** One recorded exchange. */
    record Case(String app, String name, String method, String path, Map<String, String> headers, int status,
                Map<String, String> responseHeaders, String body) {
        @Override
        public String toString() {
            return app + " " + name;
        }
    }

    private final Map<String, TestClient> clients = new HashMap<>();

    /** The apps of record_cors.py, with the same settings. */
    private static Coda app(String name) {
        return switch (name) {
            case "tutorial" -> Cors.app();
            case "wildcard" -> hello().cors(c -> c.allowOrigins("*")).build();
            case "wildcard-credentials" -> hello().cors(c -> c.allowOrigins("*").allowCredentials(true).allowMethods("GET", "POST")).build();
            case "regex" -> hello().cors(c -> c.allowOriginRegex("https://.*\\.example\\.org").allowOrigins("https://exact.example.com")
                    .allowHeaders("X-Token", "x-trace").exposeHeaders("X-Total", "X-Page").maxAge(Duration.ofSeconds(60))
                    .allowMethods("GET", "PUT").allowPrivateNetwork(true)).build();
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static Coda.Builder hello() {
        return Coda.app().routes(new Cors());
    }

    @AfterAll
    void stop() {
        clients.values().forEach(TestClient::close);
    }

    static Stream<Case> cases() {
        try (var in = CorsParityTest.class.getResourceAsStream("/fastapi-parity/cors.json")) {
            var cases = new ArrayList<Case>();
            for (var c : MAPPER.readTree(in).get("cases")) {
                cases.add(new Case(c.get("app").asText(), c.get("name").asText(), c.get("method").asText(), c.get("path").asText(),
                        FastApiRecording.strings(c.get("headers")), c.get("status").asInt(), FastApiRecording.strings(c.get("response_headers")), c.get("body").asText()));
            }
            return cases.stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The CORS headers and {@code Vary} of a response, by lower-case name, several fields joined as HTTP allows. */
    private static Map<String, String> corsHeaders(Map<String, List<String>> headers) {
        var out = new TreeMap<String, String>();
        headers.forEach((name, values) -> {
            var lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith("access-control-") || lower.equals("vary")) {
                out.merge(lower, String.join(", ", values), (a, b) -> a + ", " + b);
            }
        });
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void codaAnswersLikeFastApi(Case c) {
        var client = clients.computeIfAbsent(c.app(), name -> TestClient.of(app(name)));
        var request = client.request(c.method(), c.path());
        c.headers().forEach(request::header);
        var response = request.send();

        assertThat(response.status()).as("status of %s: %s", c, response).isEqualTo(c.status());
        assertThat(corsHeaders(response.headers())).as("CORS headers of %s", c).isEqualTo(corsHeaders(
                c.responseHeaders().entrySet().stream().collect(TreeMap::new, (m, e) -> m.put(e.getKey(), List.of(e.getValue())), Map::putAll)));
        if (c.responseHeaders().get("content-type").startsWith("text/plain")) {
            assertThat(response.text()).as("body of %s", c).isEqualTo(c.body());
            assertThat(response.header("content-type")).contains(c.responseHeaders().get("content-type"));
        } else {
            assertThat(response.json()).as("body of %s", c).isEqualTo(MAPPER.convertValue(readJson(c.body()), Object.class));
        }
    }

    private static JsonNode readJson(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void theRecordingCoversEveryAppAndBothKindsOfRefusal() {
        var recorded = cases().toList();
        assertThat(recorded).extracting(Case::app).containsOnly("tutorial", "wildcard", "wildcard-credentials", "regex");
        assertThat(recorded).filteredOn(c -> c.status() == 400).extracting(Case::body)
                .contains("Disallowed CORS origin", "Disallowed CORS headers", "Disallowed CORS origin, method, headers");
        assertThat(recorded).filteredOn(c -> c.status() == 200 && c.method().equals("OPTIONS")).isNotEmpty();
    }
}
