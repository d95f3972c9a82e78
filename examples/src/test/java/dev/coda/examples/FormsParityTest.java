package dev.coda.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coda.examples.FastApiRecording.Difference;
import dev.coda.examples.FastApiRecording.Exchange;
import dev.coda.testing.TestClient;
import java.net.URI;
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

    static List<Exchange> recordedCases() {
        return FastApiRecording.load("/fastapi-parity/forms.json");
    }

    static Stream<Exchange> cases() {
        return recordedCases().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void codaAnswersLikeFastApi(Exchange c) {
        var response = FastApiRecording.replay(client, c, header -> false);
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
        assertThat(response.json()).as("body of %s", c).isEqualTo(FastApiRecording.MAPPER.convertValue(c.response(), Object.class));
    }

    @Test
    void everyDeliberateDifferenceNamesARecordedCaseAndChangesItsOutcome() {
        FastApiRecording.assertRealDifferences(recordedCases(), DIFFERENCES);
    }

    @Test
    void theFixtureIsTheFullRecording() {
        assertThat(recordedCases()).hasSize(24).extracting(Exchange::name).doesNotHaveDuplicates();
    }
}
