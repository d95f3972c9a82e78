package dev.coda.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The {@code bigger-applications} example's document against FastAPI 0.142's for its {@code bigger_applications} tutorial
 * ({@code routers.py}): routers' prefixes, tags (outer first), dependencies' parameters and responses.
 */
class BiggerApplicationsOpenApiGoldenTest {

    @Test
    void theDocumentIsFastApisButForTheListedDifferences() {
        var expected = OpenApiGolden.fastapi("routers");

        // 1. The app's default title is the framework's name, as FastAPI's is "FastAPI".
        OpenApiGolden.at(expected, "/info").put("title", "Coda");

        var actual = OpenApiGolden.coda(BiggerApplications.app());

        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void tagsAccumulateOuterFirstAndResponsesMergeRouteLast() {
        var document = OpenApiGolden.coda(BiggerApplications.app());

        var update = document.at("/paths/~1items~1{item_id}/put");
        assertThat(update.get("tags").toString()).isEqualTo("[\"items\",\"custom\"]");
        assertThat(OpenApiGolden.keys(update.get("responses"))).containsExactly("200", "404", "403", "422");
        var admin = document.at("/paths/~1admin~1/post");
        assertThat(admin.get("parameters").toString()).contains("\"name\":\"token\"", "\"name\":\"x-token\"");
        assertThat(admin.at("/responses/418/description").asText()).isEqualTo("I'm a teapot");
    }
}
