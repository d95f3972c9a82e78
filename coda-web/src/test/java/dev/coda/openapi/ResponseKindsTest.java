package dev.coda.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coda.Coda;
import dev.coda.Get;
import dev.coda.Responds;
import dev.coda.Response;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Responses that are not one JSON value, declared with {@code @Responds(mediaType = ...)}: FastAPI 0.142's shapes
 * ({@code examples/src/test/resources/openapi/fastapi/responses.openapi.json}) with {@code itemSchema} as
 * {@code x-itemSchema}, so that the document stays valid OpenAPI 3.1.
 */
class ResponseKindsTest {

    private static JsonNode paths;

    public record Tick(int n) {
    }

    public static final class Routes {
        @Get("/events")
        @Responds(status = 200, mediaType = "text/event-stream")
        public Response events() {
            return Response.events(sink -> sink.data(new Tick(0)));
        }

        @Get("/typed-events")
        @Responds(status = 200, mediaType = "text/event-stream", type = Tick.class)
        public Response typedEvents() {
            return Response.events(sink -> sink.data(new Tick(0)));
        }

        @Get("/lines")
        @Responds(status = 200, mediaType = "application/jsonl", type = Tick.class)
        public Response lines() {
            return Response.jsonLines(Stream.of(new Tick(0)));
        }

        @Get("/file")
        @Responds(status = 200, mediaType = "application/pdf", description = "The report")
        @Responds(status = 404, description = "No report yet")
        public Response file() {
            return Response.file(Path.of("report.pdf"));
        }
    }

    @BeforeAll
    static void document() throws Exception {
        var text = Coda.app().routes(new Routes()).build().openapi();
        assertThat(OpenApiSchema.errors(text)).as("valid OpenAPI 3.1").isEmpty();
        paths = new ObjectMapper().readTree(text).get("paths");
    }

    private static String content(String path) {
        return paths.at("/" + path.replace("/", "~1") + "/get/responses/200/content").toString();
    }

    @Test
    void untypedEventsAreFastApisEventSchemaAsAnExtension() {
        assertThat(content("/events")).isEqualTo("{\"text/event-stream\":{\"schema\":{\"type\":\"string\"},\"x-itemSchema\":"
                + "{\"type\":\"object\",\"properties\":{\"data\":{\"type\":\"string\"},\"event\":{\"type\":\"string\"},"
                + "\"id\":{\"type\":\"string\"},\"retry\":{\"type\":\"integer\",\"minimum\":0}}}}}");
    }

    @Test
    void typedEventsCarryTheirDataSchemaAndRequireData() {
        assertThat(content("/typed-events")).isEqualTo("{\"text/event-stream\":{\"schema\":{\"type\":\"string\"},\"x-itemSchema\":"
                + "{\"type\":\"object\",\"properties\":{\"data\":{\"type\":\"string\",\"contentMediaType\":\"application/json\","
                + "\"contentSchema\":{\"$ref\":\"#/components/schemas/Tick\"}},\"event\":{\"type\":\"string\"},"
                + "\"id\":{\"type\":\"string\"},\"retry\":{\"type\":\"integer\",\"minimum\":0}},\"required\":[\"data\"]}}}");
    }

    @Test
    void jsonLinesHaveTheLineSchemaAsAnExtension() {
        assertThat(content("/lines")).isEqualTo("{\"application/jsonl\":{\"schema\":{\"type\":\"string\"},"
                + "\"x-itemSchema\":{\"$ref\":\"#/components/schemas/Tick\"}}}");
    }

    @Test
    void anyOtherMediaTypeIsAStringOfThatMediaType() {
        assertThat(content("/file")).isEqualTo("{\"application/pdf\":{\"schema\":{\"type\":\"string\",\"contentMediaType\":\"application/pdf\"}}}");
        assertThat(paths.at("/~1file/get/responses/200/description").asText()).isEqualTo("The report");
        assertThat(paths.at("/~1file/get/responses/404").toString()).isEqualTo("{\"description\":\"No report yet\"}");
    }
}
