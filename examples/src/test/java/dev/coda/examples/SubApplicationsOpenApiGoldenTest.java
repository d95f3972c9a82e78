package dev.coda.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coda.testing.TestClient;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The {@code sub-applications} example against FastAPI 0.142's {@code sub_applications} tutorial ({@code subapp.py}):
 * the main app's document leaves the mounted app out; the sub-app's, as served at {@code /subapi/openapi.json}, has
 * the mount's prefix as its server.
 */
class SubApplicationsOpenApiGoldenTest {

    @Test
    void theMainAppsDocumentIsFastApisAndLeavesTheSubAppOut() {
        var expected = OpenApiGolden.fastapi("subapp");
        OpenApiGolden.at(expected, "/info").put("title", "Coda");      // the default title is the framework's name

        assertThat(OpenApiGolden.coda(SubApplications.app())).isEqualTo(expected);
    }

    @Test
    void theSubAppsServedDocumentIsFastApisWithTheMountAsItsServer() {
        var expected = OpenApiGolden.fastapi("subapp-subapi");
        OpenApiGolden.at(expected, "/info").put("title", "Coda");

        try (var client = TestClient.of(SubApplications.app())) {
            assertThat(OpenApiGolden.json(client.get("/subapi/openapi.json").text())).isEqualTo(expected);
            assertThat(client.get("/subapi/sub").json()).isEqualTo(Map.of("message", "Hello World from sub API"));
            assertThat(client.get("/app").json()).isEqualTo(Map.of("message", "Hello World from main app"));
        }
    }
}
