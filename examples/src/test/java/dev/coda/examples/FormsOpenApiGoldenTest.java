package dev.coda.examples;

import static dev.coda.examples.OpenApiGolden.at;
import static dev.coda.examples.OpenApiGolden.json;
import static dev.coda.examples.OpenApiGolden.successSchemaParent;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The {@code forms} example's document against FastAPI 0.142's for the same tutorials ({@code forms.py}). */
class FormsOpenApiGoldenTest {

    @Test
    void theDocumentIsFastApisButForTheListedDifferences() {
        var expected = OpenApiGolden.fastapi("forms");

        // 1. The app's default title is the framework's name, as FastAPI's is "FastAPI".
        at(expected, "/info").put("title", "Coda");
        // 2. Coda knows what each route returns (a Map); FastAPI, without a response_model, writes {}.
        successSchemaParent(expected, "/paths/~1files~1/post", "200").set("schema",
                json("{\"additionalProperties\": true, \"type\": \"object\"}"));
        successSchemaParent(expected, "/paths/~1login~1/post", "200").set("schema",
                json("{\"additionalProperties\": {\"type\": \"string\"}, \"type\": \"object\"}"));
        successSchemaParent(expected, "/paths/~1uploadfiles~1/post", "200").set("schema",
                json("{\"additionalProperties\": {\"items\": {\"type\": \"string\"}, \"type\": \"array\"}, \"type\": \"object\"}"));

        var actual = OpenApiGolden.coda(Forms.app());

        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void filesAreBinaryStringsOfAMultipartBodyAndFieldsAloneAreUrlencoded() {
        var document = OpenApiGolden.coda(Forms.app());

        assertThat(document.at("/paths/~1login~1/post/requestBody/content").fieldNames().next())
                .isEqualTo("application/x-www-form-urlencoded");
        assertThat(document.at("/paths/~1files~1/post/requestBody/content").fieldNames().next()).isEqualTo("multipart/form-data");
        assertThat(document.at("/components/schemas/Body_create_file_files__post/properties/fileb/contentMediaType").asText())
                .isEqualTo("application/octet-stream");
        assertThat(document.at("/components/schemas/Body_create_upload_files_uploadfiles__post/properties/files/type").asText())
                .isEqualTo("array");
    }
}
