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
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The forms example answers like FastAPI's forms and files tutorials: every request recorded from FastAPI 0.142
 * ({@code fastapi-parity/forms.json}, written by {@code record_forms.py}) is replayed, and Coda must give the same status
 * and the same JSON, errors included (pydantic v2 on both sides), except for the deliberate differences listed in
 * {@link #DIFFERENCES}, whose answers are asserted exactly instead.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FormsParityTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** One recorded exchange. */
    record Case(String name, String method, String path, Map<String, String> headers, String body, int status,
                Map<String, String> responseHeaders, JsonNode response) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** What Coda answers instead, and why. */
    record Difference(int status, Object body, String reason) {
    }

    static final Map<String, Difference> DIFFERENCES = Map.of(
            "multipart-truncated", new Difference(400, Map.of("detail", "There was an error parsing the body"),
                    "Jetty's parser refuses a body cut before its closing boundary; python-multipart keeps the parts it"
                            + " finished and drops the rest, so FastAPI reports the lost fields as missing"));

    private TestClient client;

    @BeforeAll
    void start() {
        client = TestClient.of(Forms.app());
    }

    @AfterAll
    void stop() {
        client.close();
    }

    static List<Case> recordedCases() {
        try (var in = FormsParityTest.class.getResourceAsStream("/fastapi-parity/forms.json")) {
            var root = MAPPER.readTree(in);
            var cases = new ArrayList<Case>();
            for (var c : root.get("cases")) {
                cases.add(new Case(c.get("name").asText(), c.get("method").asText(), c.get("path").asText(),
                        strings(c.get("headers")), c.get("body").isNull() ? null : c.get("body").asText(),
                        c.get("status").asInt(), strings(c.get("response_headers")), c.get("response")));
            }
            return List.copyOf(cases);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A recorded JSON object of strings (headers), in its order; CorsParityTest reads its recording with it too. */
    static Map<String, String> strings(JsonNode object) {
        var out = new LinkedHashMap<String, String>();
        object.fields().forEachRemaining(f -> out.put(f.getKey(), f.getValue().asText()));
        return out;
    }

    static Stream<Case> cases() {
        return recordedCases().stream();
    }

    private TestResponse replay(Case c) {
        var request = client.request(c.method(), c.path());
        var contentType = c.headers().get("Content-Type");
        if (c.body() != null) {
            request.body(c.body(), contentType);
        } else if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return request.send();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void codaAnswersLikeFastApi(Case c) {
        var response = replay(c);
        var difference = DIFFERENCES.get(c.name());
        if (difference != null) {
            assertThat(response.status()).as("status of %s (%s): %s", c, difference.reason(), response).isEqualTo(difference.status());
            assertThat(response.json()).as("body of %s", c).isEqualTo(difference.body());
            return;
        }
        assertThat(response.status()).as("status of %s: %s", c, response).isEqualTo(c.status());
        if (c.status() == 307) {
            var location = URI.create(c.responseHeaders().get("location"));
            assertThat(response.header("location")).as("location of %s", c).contains(location.getRawPath());
            return;
        }
        assertThat(response.json()).as("body of %s", c).isEqualTo(MAPPER.convertValue(c.response(), Object.class));
    }

    @Test
    void everyDeliberateDifferenceNamesARecordedCaseAndChangesItsOutcome() {
        var byName = new LinkedHashMap<String, Case>();
        recordedCases().forEach(c -> byName.put(c.name(), c));
        DIFFERENCES.forEach((name, difference) -> {
            assertThat(byName).containsKey(name);
            var fastApi = byName.get(name);
            assertThat(fastApi.status() != difference.status()
                    || !MAPPER.convertValue(fastApi.response(), Object.class).equals(difference.body()))
                    .as("%s is a real difference: %s", name, difference.reason()).isTrue();
        });
    }

    @Test
    void theFixtureIsTheFullRecording() {
        assertThat(recordedCases()).hasSize(24).extracting(Case::name).doesNotHaveDuplicates();
    }
}
