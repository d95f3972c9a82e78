package dev.coda.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coda.Coda;
import dev.coda.openapi.OpenApiSchema;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The documents the golden tests compare: FastAPI 0.142's, recorded by {@code src/test/resources/openapi/fastapi/record.sh}
 * from the apps beside it, and Coda's for the same app. Both must be valid OpenAPI 3.1. The tests turn FastAPI's into
 * Coda's by the deliberate differences they list, then compare whole documents (object keys in any order).
 */
final class OpenApiGolden {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private OpenApiGolden() {
    }

    /** FastAPI's recorded document of {@code name}.py. */
    static ObjectNode fastapi(String name) {
        try (var in = OpenApiGolden.class.getResourceAsStream("/openapi/fastapi/" + name + ".openapi.json")) {
            var text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(OpenApiSchema.errors(text)).as("FastAPI's own document is valid OpenAPI 3.1").isEmpty();
            return (ObjectNode) MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * FastAPI's recorded document of {@code name}.py as it is, not checked: FastAPI writes OpenAPI 3.2's {@code itemSchema}
     * for streamed responses into a document it calls 3.1.0, which the 3.1 schema refuses.
     */
    static ObjectNode fastapiUnchecked(String name) {
        try (var in = OpenApiGolden.class.getResourceAsStream("/openapi/fastapi/" + name + ".openapi.json")) {
            return (ObjectNode) MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Coda's document of {@code app}, checked against the OpenAPI 3.1 schema. */
    static ObjectNode coda(Coda app) {
        var text = app.openapi();
        assertThat(OpenApiSchema.errors(text)).as("Coda's document is valid OpenAPI 3.1").isEmpty();
        try {
            return (ObjectNode) MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The object at a JSON pointer ({@code /paths/~1items~1{item_id}/get}). */
    static ObjectNode at(JsonNode root, String pointer) {
        var node = root.at(pointer);
        assertThat(node.isObject()).as("%s is an object", pointer).isTrue();
        return (ObjectNode) node;
    }

    /** An object's keys, in order. */
    static java.util.List<String> keys(JsonNode node) {
        var out = new java.util.ArrayList<String>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }

    /** Parses a JSON literal written in a test. */
    static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The schema of the successful answer of the operation at {@code pointer}, for a difference to replace. */
    static ObjectNode successSchemaParent(JsonNode document, String operation, String status) {
        return at(document, operation + "/responses/" + status + "/content/application~1json");
    }
}
