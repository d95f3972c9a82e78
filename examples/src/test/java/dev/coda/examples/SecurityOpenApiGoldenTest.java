package dev.coda.examples;

import static dev.coda.examples.OpenApiGolden.at;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** The {@code security} example's document against FastAPI 0.142's for the same app ({@code security.py}). */
class SecurityOpenApiGoldenTest {

    @Test
    void securitySchemesAndRequirementsAreFastApis() {
        var expected = OpenApiGolden.fastapi("security");
        var actual = OpenApiGolden.coda(SecurityApp.app());

        assertThat(actual.at("/components/securitySchemes")).isEqualTo(expected.at("/components/securitySchemes"));
        expected.at("/paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(operation ->
                assertThat(actual.at("/paths").get(path.getKey()).get(operation.getKey()).get("security"))
                        .as("security of %s %s", operation.getKey(), path.getKey())
                        .isEqualTo(operation.getValue().get("security"))));
    }

    @Test
    void theDocumentIsFastApisButForTheListedDifferences() {
        var expected = OpenApiGolden.fastapi("security");
        var actual = OpenApiGolden.coda(SecurityApp.app());

        // 1. The app's default title is the framework's name, as FastAPI's is "FastAPI".
        at(expected, "/info").put("title", "Coda");
        // 2. Coda knows what each route returns; FastAPI, without a response_model, writes {}.
        expected.at("/paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(operation -> {
            var content = (ObjectNode) operation.getValue().at("/responses/200/content/application~1json");
            content.set("schema", actual.at("/paths").get(path.getKey()).get(operation.getKey())
                    .at("/responses/200/content/application~1json/schema"));
        }));
        at(expected, "/components/schemas").set("CurrentUser", actual.at("/components/schemas/CurrentUser"));
        // 3. Coda writes a @Pattern anchored and grouped, as it does for every pattern; FastAPI's is written "^password$".
        at(expected, "/components/schemas/Body_login_token_post/properties/grant_type/anyOf/0").put("pattern", "^(?:^password$)$");
        // 4. pydantic's "format": "password" (a hint to hide the field) has no Coda counterpart on a plain String field.
        at(expected, "/components/schemas/Body_login_token_post/properties/password").remove("format");
        at(expected, "/components/schemas/Body_login_token_post/properties/client_secret").remove("format");

        assertThat(actual).isEqualTo(expected);
    }
}
