package dev.coda.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coda.testing.TestClient;
import dev.coda.testing.TestResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The items example answers like FastAPI's README app: every request recorded from FastAPI 0.92
 * (pydantic v1) in {@code fastapi-parity/items.json} is replayed, and Coda must give the same status,
 * the same error locations in the same order, the same redirect target and the same JSON, except for
 * the deliberate differences listed in {@link #DIFFERENCES}, which are asserted exactly instead.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ItemsParityTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** One recorded exchange. */
    record Case(String name, String method, String path, Map<String, String> headers, String body, int status,
                Map<String, String> responseHeaders, JsonNode response) {
        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * What Coda answers instead of FastAPI 0.92, and why.
     *
     * @param locs the 422 errors' {@code loc}s, in order, or {@code null}
     * @param types the 422 errors' pydantic v2 {@code type}s, in order, or {@code null}
     * @param allow the {@code Allow} header of a 405, or {@code null}
     * @param contentLength the {@code Content-Length} of a bodiless HEAD answer, or {@code null}
     */
    record Difference(int status, List<List<Object>> locs, List<String> types, String allow, String contentLength, String reason) {
        static Difference head(String contentLength) {
            return new Difference(200, null, null, null, contentLength,
                    "HEAD is answered for every GET route, as the GET would be without body; FastAPI 0.92 answered 405");
        }

        static Difference allow(String allow) {
            return new Difference(405, null, null, allow,
                    null, "the Allow header lists every method of the path, sorted, HEAD with GET; FastAPI lists the matched route's");
        }

        static Difference pydanticV2(List<Object> loc, String type, String reason) {
            return new Difference(422, List.of(loc), List.of(type), null, null, reason);
        }
    }

    static final Map<String, Difference> DIFFERENCES = Map.of(
            "head-root", Difference.head("17"),
            "head-item", Difference.head("22"),
            "post-root-method-not-allowed", Difference.allow("GET, HEAD"),
            "delete-item-method-not-allowed", Difference.allow("GET, HEAD, PUT"),
            "options-item", Difference.allow("GET, HEAD, PUT"),
            "put-name-int", Difference.pydanticV2(List.of("body", "name"), "string_type",
                    "pydantic v2 does not turn the number 123 into a str; v1 did"),
            "put-array-body", Difference.pydanticV2(List.of("body"), "model_attributes_type",
                    "pydantic v2 does not read a list as a model; v1 turned [] into an empty dict"),
            "put-array-of-pairs-body", Difference.pydanticV2(List.of("body"), "model_attributes_type",
                    "pydantic v2 does not read a list of pairs as a model; v1 passed it to dict()"),
            "put-valid-json-no-content-type", Difference.pydanticV2(List.of("body"), "model_attributes_type",
                    "FastAPI 0.120+'s strict_content_type, Coda's default too: a body without a JSON content type is text"),
            "put-malformed-json-no-content-type", Difference.pydanticV2(List.of("body"), "model_attributes_type",
                    "FastAPI 0.120+'s strict_content_type: without a JSON content type the body is text, not parsed"));

    private static List<Case> recorded;
    private TestClient client;

    @BeforeAll
    void start() {
        client = TestClient.of(Items.app());
    }

    @AfterAll
    void stop() {
        client.close();
    }

    static List<Case> recordedCases() {
        if (recorded == null) {
            try (var in = ItemsParityTest.class.getResourceAsStream("/fastapi-parity/items.json")) {
                var root = MAPPER.readTree(in);
                var cases = new ArrayList<Case>();
                for (var c : root.get("cases")) {
                    cases.add(new Case(c.get("name").asText(), c.get("method").asText(), c.get("path").asText(),
                            strings(c.get("headers")), c.get("body").isNull() ? null : c.get("body").asText(),
                            c.get("status").asInt(), strings(c.get("response_headers")), c.get("response")));
                }
                recorded = List.copyOf(cases);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return recorded;
    }

    private static Map<String, String> strings(JsonNode object) {
        var out = new LinkedHashMap<String, String>();
        object.fields().forEachRemaining(f -> out.put(f.getKey(), f.getValue().asText()));
        return out;
    }

    static Stream<Arguments> cases() {
        return recordedCases().stream().map(Arguments::of);
    }

    /** Sends the recorded request; the client computes Host and Content-Length itself. */
    private TestResponse replay(Case c) {
        var request = client.request(c.method(), c.path());
        String contentType = null;
        for (var header : c.headers().entrySet()) {
            switch (header.getKey().toLowerCase(java.util.Locale.ROOT)) {
                case "host", "content-length" -> {
                }
                case "content-type" -> contentType = header.getValue();
                default -> request.header(header.getKey(), header.getValue());
            }
        }
        if (c.body() != null) {
            request.body(c.body(), contentType);
        } else if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return request.send();
    }

    private static List<Object> locs(Object json) {
        @SuppressWarnings("unchecked")
        var detail = (List<Map<String, Object>>) ((Map<String, Object>) json).get("detail");
        return detail.stream().map(e -> e.get("loc")).toList();
    }

    @SuppressWarnings("unchecked")
    private static List<Object> types(Object json) {
        var detail = (List<Map<String, Object>>) ((Map<String, Object>) json).get("detail");
        return detail.stream().map(e -> e.get("type")).toList();
    }

    private static String pathAndQuery(String location) {
        var uri = URI.create(location);
        return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void codaAnswersLikeFastApi(Case c) {
        var response = replay(c);
        var difference = DIFFERENCES.get(c.name());
        if (difference != null) {
            assertDeliberateDifference(c, difference, response);
            return;
        }

        assertThat(response.status()).as("status of %s: %s", c, response).isEqualTo(c.status());
        switch (c.status()) {
            case 422 -> assertThat(locs(response.json())).as("locs of %s", c)
                    .isEqualTo(locs(MAPPER.convertValue(c.response(), Object.class)));
            case 307 -> {
                assertThat(response.header("location")).as("location of %s", c).isPresent();
                assertThat(pathAndQuery(response.header("location").orElseThrow()))
                        .isEqualTo(pathAndQuery(c.responseHeaders().get("location")));
                assertThat(response.bytes()).isEmpty();
            }
            default -> assertThat(response.json()).as("body of %s", c).isEqualTo(MAPPER.convertValue(c.response(), Object.class));
        }
    }

    private void assertDeliberateDifference(Case c, Difference difference, TestResponse response) {
        assertThat(response.status()).as("status of %s (%s): %s", c, difference.reason(), response).isEqualTo(difference.status());
        if (difference.locs() != null) {
            assertThat(locs(response.json())).as("locs of %s (%s)", c, difference.reason()).isEqualTo(difference.locs());
            assertThat(types(response.json())).as("types of %s (%s)", c, difference.reason()).isEqualTo(difference.types());
        }
        if (difference.allow() != null) {
            assertThat(response.header("allow")).as("Allow of %s (%s)", c, difference.reason()).contains(difference.allow());
            assertThat(response.json()).isEqualTo(Map.of("detail", "Method Not Allowed"));
        }
        if (difference.contentLength() != null) {
            assertThat(response.bytes()).as("HEAD body of %s", c).isEmpty();
            assertThat(response.header("content-length")).as("Content-Length of %s", c).contains(difference.contentLength());
            assertThat(response.header("content-type")).as("Content-Type of %s", c).contains("application/json");
        }
    }

    @Test
    void everyDeliberateDifferenceNamesARecordedCaseAndChangesItsOutcome() {
        var byName = new LinkedHashMap<String, Case>();
        recordedCases().forEach(c -> byName.put(c.name(), c));

        assertThat(byName.keySet()).containsAll(DIFFERENCES.keySet());
        DIFFERENCES.forEach((name, difference) -> {
            var fastApi = byName.get(name);
            var sameStatus = fastApi.status() == difference.status();
            var fastApiAllow = fastApi.responseHeaders().get("allow");
            assertThat(!sameStatus || difference.locs() != null || difference.allow() != null && !difference.allow().equals(fastApiAllow))
                    .as("%s is a real difference: %s", name, difference.reason()).isTrue();
        });
    }

    @Test
    void theFixtureIsTheFullRecording() {
        assertThat(recordedCases()).hasSize(53).extracting(Case::name).doesNotHaveDuplicates();
    }
}
