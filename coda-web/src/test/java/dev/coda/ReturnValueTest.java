package dev.coda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coda.testing.TestClient;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** What a path operation's return value becomes: JSON values with the route's status, or an explicit {@link Response}. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReturnValueTest {

    public record Item(String name, double price, Optional<String> note, LocalDate added, Instant at) {
    }

    /** A value Jackson cannot write: its property throws. */
    public static final class Unwritable {
        public String getValue() {
            throw new IllegalStateException("cannot be written");
        }
    }

    public static final class Routes {
        @Get("/record")
        public Item record() {
            return new Item("x", 1.5, Optional.empty(), LocalDate.of(2024, 2, 29), Instant.parse("2024-01-02T03:04:05Z"));
        }

        @Get("/map")
        public Map<String, Object> map() {
            var out = new LinkedHashMap<String, Object>();
            out.put("b", 1);
            out.put("a", List.of(true, "x"));
            return out;
        }

        @Get("/list")
        public List<Integer> list() {
            return List.of(3, 1, 2);
        }

        @Get("/string")
        public String string() {
            return "hello \"world\"";
        }

        @Get("/null")
        public Item nothing() {
            return null;
        }

        @Get("/unwritable")
        public Unwritable unwritable() {
            return new Unwritable();
        }

        @Post(value = "/items", status = 201)
        public Map<String, Object> create() {
            return Map.of("id", 1);
        }

        @Delete(value = "/items/{item_id}", status = 204)
        public void delete(int itemId) {
        }

        @Get(value = "/overridden", status = 201)
        public Response overridden() {
            return Response.ok("explicit wins");
        }

        @Get("/no-content")
        public Response noContent() {
            return Response.noContent();
        }

        @Get("/no-content-with-body")
        public Response noContentWithBody() {
            return Response.json(204, Map.of("dropped", true));
        }

        @Post("/jobs")
        public Response accepted() {
            return Response.accepted(Map.of("job", "j-1")).header("Location", "/jobs/j-1");
        }

        @Get("/text")
        public Response text() {
            return Response.text("plain ünïcode");
        }

        @Get("/html")
        public Response html() {
            return Response.html("<p>hi</p>");
        }

        @Get("/bytes")
        public Response bytes() {
            return Response.bytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0}, "image/png");
        }

        @Get("/teapot")
        public Response teapot() {
            return Response.json(418, Map.of("detail", "I'm a teapot"));
        }

        @Get("/redirect")
        public Response redirect() {
            return Response.redirect("/record");
        }

        @Get("/headers")
        public Response headers() {
            return Response.ok(Map.of()).header("X-Trace", "t-1").header("Set-Cookie", "a=1").header("Set-Cookie", "b=2");
        }

        @Get("/json-null")
        public Response jsonNull() {
            return Response.ok(null);
        }
    }

    private TestClient client;

    @BeforeAll
    void start() {
        client = TestClient.of(Coda.app().routes(new Routes()).build());
    }

    @AfterAll
    void stop() {
        client.close();
    }

    @Nested
    class PlainValues {

        @Test
        void aRecordIsWrittenAsJsonWithIsoDatesAndEmptyOptionalsAsNull() {
            var response = client.get("/record");

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("content-type")).contains("application/json");
            assertThat(response.text()).isEqualTo(
                    "{\"name\":\"x\",\"price\":1.5,\"note\":null,\"added\":\"2024-02-29\",\"at\":\"2024-01-02T03:04:05Z\"}");
        }

        @Test
        void aMapIsWrittenInItsOwnOrder() {
            assertThat(client.get("/map").text()).isEqualTo("{\"b\":1,\"a\":[true,\"x\"]}");
        }

        @Test
        void aListIsAJsonArray() {
            assertThat(client.get("/list").text()).isEqualTo("[3,1,2]");
        }

        @Test
        void aStringIsAJsonStringNotPlainText() {
            var response = client.get("/string");

            assertThat(response.header("content-type")).contains("application/json");
            assertThat(response.text()).isEqualTo("\"hello \\\"world\\\"\"");
        }

        @Test
        void nullIsTheJsonNull() {
            var response = client.get("/null");

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.text()).isEqualTo("null");
            assertThat(client.get("/json-null").text()).isEqualTo("null");
        }

        @Test
        void theRoutesStatusAppliesToAPlainValue() {
            var response = client.post("/items");

            assertThat(response.status()).isEqualTo(201);
            assertThat(response.json()).isEqualTo(Map.of("id", 1));
        }

        @Test
        void aVoidOperationWithStatus204HasNoBody() {
            var response = client.delete("/items/5");

            assertThat(response.status()).isEqualTo(204);
            assertThat(response.bytes()).isEmpty();
            assertThat(response.header("content-type")).isEmpty();
        }

        @Test
        void aValueJacksonCannotWriteIsA500() {
            var response = client.get("/unwritable");

            assertThat(response.status()).isEqualTo(500);
            assertThat(response.text()).isEqualTo("{\"detail\":\"Internal Server Error\"}");
        }
    }

    @Nested
    class Responses {

        @Test
        void anExplicitResponseWinsOverTheRoutesStatus() {
            var response = client.get("/overridden");

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.json()).isEqualTo("explicit wins");
        }

        @Test
        void noContentIsA204WithoutBodyNorContentType() {
            var response = client.get("/no-content");

            assertThat(response.status()).isEqualTo(204);
            assertThat(response.bytes()).isEmpty();
            assertThat(response.header("content-type")).isEmpty();
            assertThat(response.header("content-length")).isEmpty();
        }

        @Test
        void aBodyGivenWithStatus204IsDropped() {
            var response = client.get("/no-content-with-body");

            assertThat(response.status()).isEqualTo(204);
            assertThat(response.bytes()).isEmpty();
            assertThat(response.header("content-type")).isEmpty();
        }

        @Test
        void acceptedIsA202WithItsJsonBodyAndHeaders() {
            var response = client.post("/jobs");

            assertThat(response.status()).isEqualTo(202);
            assertThat(response.json()).isEqualTo(Map.of("job", "j-1"));
            assertThat(response.header("location")).contains("/jobs/j-1");
        }

        @Test
        void textIsUtf8PlainText() {
            var response = client.get("/text");

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("content-type")).contains("text/plain; charset=utf-8");
            assertThat(response.text()).isEqualTo("plain ünïcode");
            assertThat(response.header("content-length")).contains(String.valueOf("plain ünïcode".getBytes(java.nio.charset.StandardCharsets.UTF_8).length));
        }

        @Test
        void htmlIsUtf8Html() {
            var response = client.get("/html");

            assertThat(response.header("content-type")).contains("text/html; charset=utf-8");
            assertThat(response.text()).isEqualTo("<p>hi</p>");
        }

        @Test
        void bytesAreSentUnchangedWithTheirMediaType() {
            var response = client.get("/bytes");

            assertThat(response.header("content-type")).contains("image/png");
            assertThat(response.bytes()).containsExactly((byte) 0x89, 'P', 'N', 'G', 0);
        }

        @Test
        void anyStatusMayCarryAJsonBody() {
            var response = client.get("/teapot");

            assertThat(response.status()).isEqualTo(418);
            assertThat(response.json()).isEqualTo(Map.of("detail", "I'm a teapot"));
        }

        @Test
        void aRedirectIsA307WithItsLocationAndNoBody() {
            var response = client.get("/redirect");

            assertThat(response.status()).isEqualTo(307);
            assertThat(response.header("location")).contains("/record");
            assertThat(response.bytes()).isEmpty();
        }

        @Test
        void addedHeadersAreSentAndMayRepeat() {
            var response = client.get("/headers");

            assertThat(response.header("x-trace")).contains("t-1");
            assertThat(response.headers().get("set-cookie")).containsExactly("a=1", "b=2");
        }
    }
}
