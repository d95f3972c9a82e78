package dev.coda.openapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coda.Coda;
import dev.coda.Get;
import dev.coda.testing.TestClient;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where the document is served, how it is cached, and how it is turned off. */
class OpenApiServingTest {

    public static final class Routes {
        @Get("/")
        public Map<String, String> root() {
            return Map.of("Hello", "World");
        }
    }

    @Test
    void theDocumentIsServedAtOpenapiJsonWithAnEtagAndA304ForAClientThatHasIt() {
        try (var client = TestClient.of(Coda.app().routes(new Routes()).openapi(doc -> doc.title("Shop").version("1.2.0")).build())) {
            var response = client.get("/openapi.json");

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("content-type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
            assertThat(response.json()).isInstanceOfSatisfying(Map.class, document -> {
                assertThat(document.get("openapi")).isEqualTo("3.1.0");
                assertThat(document.get("info")).isEqualTo(Map.of("title", "Shop", "version", "1.2.0"));
            });
            var etag = response.header("etag").orElseThrow();
            assertThat(etag).startsWith("\"").endsWith("\"");

            var again = client.request("GET", "/openapi.json").header("If-None-Match", etag).send();

            assertThat(again.status()).isEqualTo(304);
            assertThat(again.text()).isEmpty();
            assertThat(client.request("GET", "/openapi.json").header("If-None-Match", "\"other\"").send().status()).isEqualTo(200);
        }
    }

    @Test
    void theDocumentCanBeServedElsewhereOrNotAtAll() {
        try (var client = TestClient.of(Coda.app().routes(new Routes()).openapiUrl("/api/v1/openapi.json").build())) {
            assertThat(client.get("/api/v1/openapi.json").status()).isEqualTo(200);
            assertThat(client.get("/openapi.json").status()).isEqualTo(404);
        }
        try (var client = TestClient.of(Coda.app().routes(new Routes()).openapiUrl(null).build())) {
            assertThat(client.get("/openapi.json").status()).isEqualTo(404);
        }
    }

    @Test
    void theAppsDocumentIsAvailableInJavaEvenWhenItIsNotServed() {
        var app = Coda.app().routes(new Routes()).openapiUrl(null).openapi(doc -> doc.title("Shop")).build();

        assertThat(app.openapi()).startsWith("{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"Shop\"");
    }

    public static final class Clash {
        @Get("/openapi.json")
        public Map<String, String> mine() {
            return Map.of();
        }
    }

    @Test
    void aRouteOfTheAppAtTheDocumentsPathIsReportedAtBuild() {
        assertThatThrownBy(() -> Coda.app().routes(new Clash()).build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("/openapi.json");
        assertThat(Coda.app().routes(new Clash()).openapiUrl(null).build()).isNotNull();
    }

    @Test
    void aPathThatIsNoPathIsRefused() {
        assertThatThrownBy(() -> Coda.app().openapiUrl("openapi.json")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("openapiUrl must start with /");
    }
}
