package dev.coda.examples;

import static dev.coda.examples.OpenApiGolden.at;
import static dev.coda.examples.OpenApiGolden.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coda.openapi.OpenApiSchema;
import org.junit.jupiter.api.Test;

/** The {@code events} example's document against FastAPI 0.142's for its original ({@code events.py}). */
class EventsOpenApiGoldenTest {

    private static final String EVENTS = "/paths/~1events/get";

    @Test
    void theDocumentIsFastApisButForTheListedDifferences() {
        var expected = OpenApiGolden.fastapiUnchecked("events");

        // 1. The app's default title is the framework's name, as FastAPI's is "FastAPI".
        at(expected, "/info").put("title", "Coda");
        // 2. FastAPI's itemSchema is an OpenAPI 3.2 keyword in a 3.1.0 document (invalid, see below): Coda writes it as the
        //    extension x-itemSchema, beside a schema of the whole body, a string.
        var media = at(expected, EVENTS + "/responses/200/content/text~1event-stream");
        var item = (ObjectNode) media.remove("itemSchema");
        media.set("schema", json("{\"type\": \"string\"}"));
        media.set("x-itemSchema", item);
        // 3. The Coda example declares its data's type (the record Tick, written {"n": 0} like FastAPI's dict), so each
        //    event's data is JSON of Tick, required, as FastAPI writes it for `-> AsyncIterable[Tick]`.
        ((ObjectNode) item.at("/properties/data")).put("contentMediaType", "application/json")
                .set("contentSchema", json("{\"$ref\": \"#/components/schemas/Tick\"}"));
        item.putArray("required").add("data");
        at(expected, "/components/schemas").set("Tick",
                json("{\"properties\": {\"n\": {\"type\": \"integer\", \"title\": \"N\"}}, \"type\": \"object\", \"required\": [\"n\"], \"title\": \"Tick\"}"));
        // 4. Java's int and double carry their formats, int32 and double (as in every Coda document).
        ((ObjectNode) expected.at(EVENTS + "/parameters/0/schema")).put("format", "int32");
        ((ObjectNode) expected.at(EVENTS + "/parameters/1/schema")).put("format", "double");
        ((ObjectNode) expected.at("/components/schemas/Tick/properties/n")).put("format", "int32");
        // 5. FastAPI writes the float default 0 of delay as the integer literal it was given; Coda as a number of its type.
        var actual = OpenApiGolden.coda(Events.app());
        var delayDefault = actual.at(EVENTS + "/parameters/1/schema/default");
        ((ObjectNode) expected.at(EVENTS + "/parameters/1/schema")).set("default", delayDefault);

        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void fastApisOwnDocumentIsNotValidOpenApi31() {
        var recorded = OpenApiGolden.fastapiUnchecked("events").toString();

        assertThat(OpenApiSchema.errors(recorded)).isNotEmpty();
    }

    @Test
    void theStaticMountIsNotInTheDocument() {
        assertThat(OpenApiGolden.coda(Events.app()).at("/paths").size()).isEqualTo(1);
    }
}
