package dev.coda.internal.openapi;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coda.internal.openapi.SchemaGenerator.Mode;

/**
 * The media type object of a response that is not one JSON value, declared with {@code @Responds(mediaType = ...)}, as
 * FastAPI 0.142 writes it but valid OpenAPI 3.1: FastAPI's {@code itemSchema} (an OpenAPI 3.2 keyword, which the 3.1
 * schema refuses) becomes the extension {@code x-itemSchema}, beside a {@code schema} of the body as a whole, a string.
 *
 * <pre>{@code
 * ResponseKinds.content("text/event-stream", Tick.class, schemas)
 * // {"schema":{"type":"string"},"x-itemSchema":{"type":"object","properties":{"data":{"type":"string",
 * //   "contentMediaType":"application/json","contentSchema":{"$ref":"#/components/schemas/Tick"}},...},"required":["data"]}}
 * }</pre>
 */
final class ResponseKinds {

    static final String EVENTS = "text/event-stream";
    static final String JSON_LINES = "application/jsonl";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private ResponseKinds() {
    }

    /** The media type object for {@code mediaType}, its items (events' data, lines) of {@code type} ({@code void}: any). */
    static ObjectNode content(String mediaType, Class<?> type, SchemaGenerator schemas) {
        var content = JSON.objectNode();
        switch (mediaType) {
            case EVENTS -> {
                content.putObject("schema").put("type", "string");
                content.set("x-itemSchema", event(type, schemas));
            }
            case JSON_LINES -> {
                content.putObject("schema").put("type", "string");
                content.set("x-itemSchema", type == void.class ? JSON.objectNode() : schemas.schema(type, Mode.OUTPUT));
            }
            default -> content.putObject("schema").put("type", "string").put("contentMediaType", mediaType);
        }
        return content;
    }

    /** FastAPI's schema of one server-sent event: data as JSON of {@code type} (required then), event, id, retry. */
    private static ObjectNode event(Class<?> type, SchemaGenerator schemas) {
        var event = JSON.objectNode().put("type", "object");
        var properties = event.putObject("properties");
        var data = properties.putObject("data").put("type", "string");
        if (type != void.class) {
            data.put("contentMediaType", "application/json").set("contentSchema", schemas.schema(type, Mode.OUTPUT));
        }
        properties.putObject("event").put("type", "string");
        properties.putObject("id").put("type", "string");
        properties.putObject("retry").put("type", "integer").put("minimum", 0);
        if (type != void.class) {
            event.putArray("required").add("data");
        }
        return event;
    }
}
