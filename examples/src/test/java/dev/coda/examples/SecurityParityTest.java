package dev.coda.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coda.examples.FastApiRecording.Difference;
import dev.coda.examples.FastApiRecording.Exchange;
import dev.coda.testing.TestClient;
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
 * The security example answers like FastAPI's security utilities: every request recorded from FastAPI 0.142
 * ({@code fastapi-parity/security.json}, written by {@code record_security.py}) is replayed, and Coda must give the same
 * status, the same JSON and the same {@code WWW-Authenticate} header, except for the deliberate differences listed in
 * {@link #DIFFERENCES}, whose answers are asserted exactly instead.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecurityParityTest {

    static final Map<String, Difference> DIFFERENCES = Map.of(
            "basic-stray-character", new Difference(401, Map.of("detail", "Not authenticated"),
                    "Java's base64 decoder refuses a character outside the alphabet; Python's b64decode skips it"));

    private TestClient client;

    @BeforeAll
    void start() {
        client = TestClient.of(SecurityApp.app());
    }

    @AfterAll
    void stop() {
        client.close();
    }

    static List<Exchange> recordedCases() {
        return FastApiRecording.load("/fastapi-parity/security.json");
    }

    static Stream<Exchange> cases() {
        return recordedCases().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void codaAnswersLikeFastApi(Exchange c) {
        var response = FastApiRecording.replay(client, c, header -> !header.equals("Host"));
        var difference = DIFFERENCES.get(c.name());
        if (difference != null) {
            assertThat(response.status()).as("status of %s (%s): %s", c, difference.reason(), response).isEqualTo(difference.status());
            assertThat(response.json()).as("body of %s", c).isEqualTo(difference.body());
            return;
        }
        assertThat(response.status()).as("status of %s: %s", c, response).isEqualTo(c.status());
        assertThat(response.header("www-authenticate")).as("WWW-Authenticate of %s", c)
                .isEqualTo(java.util.Optional.ofNullable(c.responseHeaders().get("www-authenticate")));
        assertThat(response.json()).as("body of %s", c).isEqualTo(FastApiRecording.MAPPER.convertValue(c.response(), Object.class));
    }

    @Test
    void everyDeliberateDifferenceNamesARecordedCaseAndChangesItsOutcome() {
        FastApiRecording.assertRealDifferences(recordedCases(), DIFFERENCES);
    }

    @Test
    void theFixtureIsTheFullRecording() {
        assertThat(recordedCases()).hasSize(38).extracting(Exchange::name).doesNotHaveDuplicates();
    }
}
