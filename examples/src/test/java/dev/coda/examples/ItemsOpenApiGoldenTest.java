package dev.coda.examples;

import static dev.coda.examples.OpenApiGolden.at;
import static dev.coda.examples.OpenApiGolden.json;
import static dev.coda.examples.OpenApiGolden.successSchemaParent;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The {@code items} example's document against FastAPI 0.142's for its README app ({@code items.py}). */
class ItemsOpenApiGoldenTest {

    private static final String READ_ROOT = "/paths/~1/get";
    private static final String READ_ITEM = "/paths/~1items~1{item_id}/get";
    private static final String UPDATE_ITEM = "/paths/~1items~1{item_id}/put";

    @Test
    void theDocumentIsFastApisButForTheListedDifferences() {
        var expected = OpenApiGolden.fastapi("items");

        // 1. The app's default title is the framework's name, as FastAPI's is "FastAPI".
        at(expected, "/info").put("title", "Coda");
        // 2. Coda knows what a route returns (its return type); FastAPI, without a response_model, writes {}.
        //    GET / returns Map<String, String>, GET /items/{item_id} an ItemQuery, PUT an ItemUpdate.
        successSchemaParent(expected, READ_ROOT, "200").set("schema",
                json("{\"additionalProperties\": {\"type\": \"string\"}, \"type\": \"object\"}"));
        successSchemaParent(expected, READ_ITEM, "200").set("schema", json("{\"$ref\": \"#/components/schemas/ItemQuery\"}"));
        successSchemaParent(expected, UPDATE_ITEM, "200").set("schema", json("{\"$ref\": \"#/components/schemas/ItemUpdate\"}"));
        //    ... and so the two answers' types are components. Optional<String> q may be null; item_id is Python's
        //    unbounded int, a BigInteger, hence no format.
        at(expected, "/components/schemas").set("ItemQuery", json("""
                {"properties": {"item_id": {"type": "integer", "title": "Item Id"},
                                "q": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Q"}},
                 "type": "object", "required": ["item_id"], "title": "ItemQuery"}"""));
        at(expected, "/components/schemas").set("ItemUpdate", json("""
                {"properties": {"item_name": {"type": "string", "title": "Item Name"},
                                "item_id": {"type": "integer", "title": "Item Id"}},
                 "type": "object", "required": ["item_name", "item_id"], "title": "ItemUpdate"}"""));
        // 3. Item.price is a Java double: its format says so, which client generators use (a number without a
        //    format becomes a BigDecimal in Java clients). It is still "type": "number".
        at(expected, "/components/schemas/Item/properties/price").put("format", "double");

        var actual = OpenApiGolden.coda(Items.app());

        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void theIssuesContractHoldsWordForWord() {
        var document = OpenApiGolden.coda(Items.app());

        assertThat(OpenApiGolden.keys(document.at("/paths"))).containsExactlyInAnyOrder("/", "/items/{item_id}");
        assertThat(OpenApiGolden.keys(document.at("/paths/~1items~1{item_id}"))).containsExactlyInAnyOrder("get", "put");
        assertThat(document.at(READ_ITEM + "/parameters").toString()).isEqualTo(
                "[{\"name\":\"item_id\",\"in\":\"path\",\"required\":true,\"schema\":{\"type\":\"integer\",\"title\":\"Item Id\"}},"
                + "{\"name\":\"q\",\"in\":\"query\",\"required\":false,\"schema\":{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"null\"}],\"title\":\"Q\"}}]");
        var item = document.at("/components/schemas/Item");
        assertThat(item.at("/required").toString()).isEqualTo("[\"name\",\"price\"]");
        assertThat(item.at("/properties/is_offer/anyOf").toString()).isEqualTo("[{\"type\":\"boolean\"},{\"type\":\"null\"}]");
        assertThat(document.at(READ_ROOT + "/responses").has("422")).as("GET / reads nothing: no 422, as in FastAPI").isFalse();
        assertThat(OpenApiGolden.keys(document.at(READ_ITEM + "/responses"))).containsExactly("200", "422");
        assertThat(OpenApiGolden.keys(document.at(UPDATE_ITEM + "/responses"))).containsExactly("200", "422");
    }
}
