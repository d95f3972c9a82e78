package dev.coda.examples;

import static dev.coda.examples.OpenApiGolden.at;
import static dev.coda.examples.OpenApiGolden.json;
import static dev.coda.examples.OpenApiGolden.successSchemaParent;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The {@code tutorial002} example's document against FastAPI 0.142's for the seed's app ({@code tutorial002.py}). */
class Tutorial002OpenApiGoldenTest {

    private static final String SEND = "/paths/~1send-notification~1{email}/post";

    @Test
    void theDocumentIsFastApisButForTheListedDifferences() {
        var expected = OpenApiGolden.fastapi("tutorial002");

        // 1. The app's default title is the framework's name, as FastAPI's is "FastAPI".
        at(expected, "/info").put("title", "Coda");
        // 2. Coda knows what the route returns, a Map<String, String>; FastAPI, without a response_model, writes {}.
        successSchemaParent(expected, SEND, "200").set("schema",
                json("{\"additionalProperties\": {\"type\": \"string\"}, \"type\": \"object\"}"));

        var actual = OpenApiGolden.coda(Tutorial002.app());

        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void backgroundTasksNeverAppearEmailIsARequiredPathParameterAndQAnOptionalQueryParameter() {
        var document = OpenApiGolden.coda(Tutorial002.app());

        assertThat(document.toString()).doesNotContainIgnoringCase("background");
        var email = document.at(SEND + "/parameters/0");
        assertThat(email.toString()).isEqualTo(
                "{\"name\":\"email\",\"in\":\"path\",\"required\":true,\"schema\":{\"type\":\"string\",\"title\":\"Email\"}}");
        assertThat(document.at(SEND).has("requestBody")).isFalse();
        // q comes from the dependency getQuery, flattened into the operation as FastAPI does
        assertThat(document.at(SEND + "/parameters/1").toString()).isEqualTo("{\"name\":\"q\",\"in\":\"query\",\"required\":false,"
                + "\"schema\":{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"null\"}],\"title\":\"Q\"}}");
    }
}
