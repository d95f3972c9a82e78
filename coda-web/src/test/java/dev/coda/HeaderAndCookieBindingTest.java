package dev.coda;

import static dev.coda.Problems.loc;
import static dev.coda.Problems.locs;
import static dev.coda.Problems.onlyError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.coda.testing.TestClient;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@code @Header} and {@code @Cookie} parameters: their names, conversions, defaults and errors. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HeaderAndCookieBindingTest {

    public static final class Routes {
        @Get("/agent")
        public Map<String, Object> agent(@Header Optional<String> userAgent) {
            return Map.of("user_agent", userAgent.orElse("none"));
        }

        @Get("/token")
        public Map<String, Object> token(@Header("X-Token") String token) {
            return Map.of("token", token);
        }

        @Get("/tenant")
        public Map<String, Object> tenant(@Header int xTenantId, @Header @Default("en") String acceptLanguage) {
            return Map.of("tenant", xTenantId, "language", acceptLanguage);
        }

        @Get("/tags")
        public Map<String, Object> tags(@Header("X-Tag") List<String> tags) {
            return Map.of("tags", tags);
        }

        @Get("/session")
        public Map<String, Object> session(@Cookie Optional<String> session, @Cookie("ads_id") @Default("0") long adsId) {
            return Map.of("session", session.orElse("none"), "ads_id", adsId);
        }

        @Get("/visits")
        public Map<String, Object> visits(@Cookie int visits) {
            return Map.of("visits", visits);
        }
    }

    private TestClient client;

    @BeforeAll
    void start() {
        client = TestClient.of(Coda.app().routes(new Routes()).build());
    }

    @AfterAll
    void stop() {
        client.close();
    }

    @Test
    void aCamelCaseHeaderParameterReadsTheHyphenatedHeader() {
        var response = client.request("GET", "/agent").header("User-Agent", "curl/8.0").send();

        assertThat(response.json()).isEqualTo(Map.of("user_agent", "curl/8.0"));
    }

    @Test
    void headerNamesAreCaseInsensitive() {
        var response = client.request("GET", "/token").header("x-TOKEN", "secret").send();

        assertThat(response.json()).isEqualTo(Map.of("token", "secret"));
    }

    @Test
    void anOptionalHeaderIsEmptyWhenAbsent() {
        assertThat(client.get("/agent").json()).isEqualTo(Map.of("user_agent", "none"));
    }

    @Test
    void aMissingRequiredHeaderIsA422AtItsHyphenatedName() {
        assertThat(onlyError(client.get("/tenant"))).containsEntry("type", "missing")
                .containsEntry("loc", loc("header", "x-tenant-id"))
                .containsEntry("input", null);
    }

    @Test
    void aHeaderIsConvertedToTheParametersTypeAndDefaultsApply() {
        var response = client.request("GET", "/tenant").header("X-Tenant-Id", "42").send();

        assertThat(response.json()).isEqualTo(Map.of("tenant", 42, "language", "en"));
    }

    @Test
    void aHeaderThatDoesNotConvertIsA422WithTheOffendingInput() {
        var response = client.request("GET", "/tenant").header("X-Tenant-Id", "acme").header("Accept-Language", "fr").send();

        assertThat(onlyError(response)).containsEntry("type", "int_parsing")
                .containsEntry("loc", loc("header", "x-tenant-id"))
                .containsEntry("input", "acme");
    }

    @Test
    void anExplicitlyNamedHeaderIsReportedUnderThatName() {
        assertThat(locs(client.get("/token"))).containsExactly(loc("header", "X-Token"));
    }

    @Test
    void aListHeaderReceivesEveryValueOfARepeatedHeader() {
        var response = client.request("GET", "/tags").header("X-Tag", "a").header("X-Tag", "b").send();

        assertThat(response.json()).isEqualTo(Map.of("tags", List.of("a", "b")));
    }

    @Test
    void cookiesAreReadByNameConvertedAndDefaulted() {
        assertThat(client.get("/session").json()).isEqualTo(Map.of("session", "none", "ads_id", 0));

        var response = client.request("GET", "/session").header("Cookie", "session=abc; ads_id=77").send();

        assertThat(response.json()).isEqualTo(Map.of("session", "abc", "ads_id", 77));
    }

    @Test
    void aMissingOrInvalidCookieIsA422AtItsName() {
        assertThat(onlyError(client.get("/visits"))).containsEntry("type", "missing").containsEntry("loc", loc("cookie", "visits"));

        var invalid = client.request("GET", "/visits").header("Cookie", "visits=many").send();

        assertThat(onlyError(invalid)).containsEntry("type", "int_parsing")
                .containsEntry("loc", loc("cookie", "visits"))
                .containsEntry("input", "many");
    }
}
