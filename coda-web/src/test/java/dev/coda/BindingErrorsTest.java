package dev.coda;

import static dev.coda.Problems.errors;
import static dev.coda.Problems.loc;
import static dev.coda.Problems.locs;
import static dev.coda.Problems.onlyError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.coda.testing.TestClient;
import dev.coda.testing.TestResponse;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a request that does not bind is answered: every error at once in FastAPI's order, the single
 * {@code json_invalid} error of a malformed body, bodies that are absent or not JSON, and pydantic v2's
 * lax conversions of JSON values.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BindingErrorsTest {

    public record Item(String name, double price, Optional<Boolean> offer) {
    }

    public record Order(String product, int quantity) {
    }

    public record Paging(int page) {
    }

    /** One field of each type, to see how JSON values convert. */
    public record Values(Optional<String> text, Optional<Integer> count, Optional<Double> ratio, Optional<Boolean> flag,
                         Optional<BigDecimal> amount) {
    }

    public static final class Routes {
        @Dependency
        public Paging paging(int page) {
            return new Paging(page);
        }

        /** Parameters declared in the reverse of FastAPI's reporting order on purpose. */
        @Post("/shops/{shop_id}/orders")
        public String order(Order order, @Cookie int visits, @Header int xTenant, int count, int shopId, Paging paging) {
            return "ordered";
        }

        @Put("/items/{item_id}")
        public Map<String, Object> update(int itemId, Item item) {
            return Map.of("item_id", itemId, "name", item.name(), "price", item.price(), "offer", item.offer().orElse(false));
        }

        @Post("/values")
        public Values values(Values values) {
            return values;
        }

        @Post("/counts")
        public Map<String, Object> counts(@Body List<Integer> counts) {
            return Map.of("counts", counts);
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

    private TestResponse putItem(String body, String contentType) {
        return client.request("PUT", "/items/5").body(body, contentType).send();
    }

    @Nested
    class EveryErrorAtOnce {

        @Test
        void everyBindingErrorOfARequestIsReportedInFastApisOrder() {
            var response = client.request("POST", "/shops/acme/orders?count=many&page=first")
                    .header("X-Tenant", "t1")
                    .header("Cookie", "visits=often")
                    .body("{\"quantity\": \"lots\"}", "application/json")
                    .send();

            assertThat(locs(response)).containsExactly(
                    loc("query", "page"),          // the dependency's parameters come first
                    loc("path", "shop_id"),
                    loc("query", "count"),
                    loc("header", "x-tenant"),
                    loc("cookie", "visits"),
                    loc("body", "product"),
                    loc("body", "quantity"));
        }

        @Test
        void missingAndInvalidValuesAreReportedTogether() {
            var response = client.request("POST", "/shops/7/orders?count=1").body("{\"product\": 5}", "application/json").send();

            assertThat(errors(response)).extracting(e -> e.get("type"), e -> e.get("loc")).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("missing", loc("query", "page")),
                    org.assertj.core.groups.Tuple.tuple("missing", loc("header", "x-tenant")),
                    org.assertj.core.groups.Tuple.tuple("missing", loc("cookie", "visits")),
                    org.assertj.core.groups.Tuple.tuple("string_type", loc("body", "product")),
                    org.assertj.core.groups.Tuple.tuple("missing", loc("body", "quantity")));
        }

        @Test
        void aMissingBodyFieldIsReportedWithTheWholeObjectAsInput() {
            var response = putItem("{\"price\": 1.5}", "application/json");

            assertThat(response.text()).isEqualTo(
                    "{\"detail\":[{\"type\":\"missing\",\"loc\":[\"body\",\"name\"],\"msg\":\"Field required\",\"input\":{\"price\":1.5}}]}");
        }

        @Test
        void aPathErrorAndABodyErrorAreReportedTogether() {
            var response = client.request("PUT", "/items/foo").body("{\"name\": \"x\"}", "application/json").send();

            assertThat(locs(response)).containsExactly(loc("path", "item_id"), loc("body", "price"));
        }
    }

    @Nested
    class MalformedJson {

        @Test
        void aMalformedBodyIsOneJsonInvalidErrorAtPythonsCharacterOffset() {
            var response = putItem("{\"name\": \"x\", \"price\": ", "application/json");

            assertThat(response.status()).isEqualTo(422);
            assertThat(response.text()).isEqualTo("{\"detail\":[{\"type\":\"json_invalid\",\"loc\":[\"body\",23],"
                    + "\"msg\":\"JSON decode error\",\"input\":{},\"ctx\":{\"error\":\"Expecting value\"}}]}");
        }

        @Test
        void theErrorNamesPythonsReason() {
            var error = onlyError(putItem("{bad}", "application/json"));

            assertThat(error).containsEntry("loc", loc("body", 1))
                    .containsEntry("ctx", Map.of("error", "Expecting property name enclosed in double quotes"));
        }

        @Test
        void theOffsetCountsCharactersNotBytes() {
            assertThat(onlyError(putItem("{\"name\": \"é😀\", \"price\": ", "application/json")))
                    .containsEntry("loc", loc("body", 24));
        }

        @Test
        void aMalformedBodyHidesEveryOtherError() {
            var response = client.request("PUT", "/items/foo").body("{\"name\": \"x\", \"price\": ", "application/json").send();

            assertThat(onlyError(response)).containsEntry("type", "json_invalid").containsEntry("loc", loc("body", 23));
        }

        /** FastAPI 0.142's answer (strict_content_type, its default since 0.120), recorded: the body is text, not a model. */
        @Test
        void aBodyWithoutContentTypeIsTextAsInFastApi() {
            var response = putItem("{\"name\": \"x\", \"price\": 1.5}", null);

            assertThat(response.status()).isEqualTo(422);
            assertThat(response.text()).isEqualTo("{\"detail\":[{\"type\":\"model_attributes_type\",\"loc\":[\"body\"],"
                    + "\"msg\":\"Input should be a valid dictionary or object to extract fields from\","
                    + "\"input\":\"{\\\"name\\\": \\\"x\\\", \\\"price\\\": 1.5}\"}]}");
        }

        @Test
        void withStrictContentTypeOffABodyWithoutContentTypeIsParsedAsJson() {
            try (var lenient = TestClient.of(Coda.app().routes(new Routes()).strictContentType(false).build())) {
                var put = (java.util.function.Function<String, TestResponse>) body ->
                        lenient.request("PUT", "/items/5").body(body, null).send();
                assertThat(put.apply("{\"name\": \"x\", \"price\": 1.5}").status()).isEqualTo(200);
                assertThat(onlyError(put.apply("{bad}"))).containsEntry("type", "json_invalid").containsEntry("loc", loc("body", 1));
                var text = lenient.request("PUT", "/items/5").body("{\"name\": \"x\", \"price\": 1.5}", "text/plain").send();
                assertThat(onlyError(text)).containsEntry("type", "model_attributes_type");      // a declared non-JSON type still is text
            }
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource({"application/json; charset=utf-8", "application/vnd.api+json", "APPLICATION/JSON"})
        void everyJsonMediaTypeIsParsedAsJson(String contentType) {
            assertThat(putItem("{\"name\": \"x\", \"price\": 1.5}", contentType).json())
                    .isEqualTo(Map.of("item_id", 5, "name", "x", "price", 1.5, "offer", false));
        }

        @Test
        void dataAfterTheJsonValueIsMalformed() {
            var error = onlyError(putItem("{\"name\": \"x\", \"price\": 1.5} x", "application/json"));

            assertThat(error).containsEntry("type", "json_invalid")
                    .containsEntry("loc", loc("body", 28))
                    .containsEntry("ctx", Map.of("error", "Extra data"));
        }

        @Test
        void aBodyOfOnlyWhitespaceIsMalformedNotMissing() {
            var error = onlyError(putItem("   ", "application/json"));

            assertThat(error).containsEntry("type", "json_invalid")
                    .containsEntry("loc", loc("body", 3))
                    .containsEntry("ctx", Map.of("error", "Expecting value"));
        }
    }

    @Nested
    class AbsentOrNotJson {

        @Test
        void anEmptyBodyIsAMissingBody() {
            assertThat(putItem("", "application/json").text())
                    .isEqualTo("{\"detail\":[{\"type\":\"missing\",\"loc\":[\"body\"],\"msg\":\"Field required\",\"input\":null}]}");
        }

        @Test
        void noBodyAtAllIsAMissingBody() {
            assertThat(onlyError(client.request("PUT", "/items/5").send()))
                    .containsEntry("type", "missing").containsEntry("loc", loc("body"));
        }

        @Test
        void aJsonNullBodyIsAMissingBody() {
            assertThat(onlyError(putItem("null", "application/json")))
                    .containsEntry("type", "missing").containsEntry("loc", loc("body")).containsEntry("input", null);
        }

        @Test
        void aBodyWithANonJsonContentTypeIsNotAnObject() {
            var error = onlyError(putItem("{\"name\": \"x\", \"price\": 1.5}", "text/plain"));

            assertThat(error).containsEntry("type", "model_attributes_type")
                    .containsEntry("loc", loc("body"))
                    .containsEntry("msg", "Input should be a valid dictionary or object to extract fields from")
                    .containsEntry("input", "{\"name\": \"x\", \"price\": 1.5}");
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', textBlock = """
                '"str"'
                5
                []
                '[["name", "x"], ["price", 1.5]]'
                true
                """)
        void aJsonValueThatIsNotAnObjectIsNotAModel(String body) {
            assertThat(onlyError(putItem(body, "application/json"))).containsEntry("type", "model_attributes_type")
                    .containsEntry("loc", loc("body"));
        }
    }

    @Nested
    class LaxConversions {

        private Map<String, Object> errorOf(String json) {
            return onlyError(client.request("POST", "/values").body(json, "application/json").send());
        }

        @ParameterizedTest(name = "{0} -> {1}")
        @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
                {"ratio": "2.5"}           | {"text":null,"count":null,"ratio":2.5,"flag":null,"amount":null}
                {"ratio": 3}               | {"text":null,"count":null,"ratio":3.0,"flag":null,"amount":null}
                {"ratio": true}            | {"text":null,"count":null,"ratio":1.0,"flag":null,"amount":null}
                {"flag": "yes"}            | {"text":null,"count":null,"ratio":null,"flag":true,"amount":null}
                {"flag": "off"}            | {"text":null,"count":null,"ratio":null,"flag":false,"amount":null}
                {"flag": 1}                | {"text":null,"count":null,"ratio":null,"flag":true,"amount":null}
                {"flag": 0}                | {"text":null,"count":null,"ratio":null,"flag":false,"amount":null}
                {"count": "42"}            | {"text":null,"count":42,"ratio":null,"flag":null,"amount":null}
                {"count": 5.0}             | {"text":null,"count":5,"ratio":null,"flag":null,"amount":null}
                {"count": true}            | {"text":null,"count":1,"ratio":null,"flag":null,"amount":null}
                {"amount": "0.10"}         | {"text":null,"count":null,"ratio":null,"flag":null,"amount":0.10}
                {"amount": 7}              | {"text":null,"count":null,"ratio":null,"flag":null,"amount":7}
                {"text": "123"}            | {"text":"123","count":null,"ratio":null,"flag":null,"amount":null}
                """)
        void pydanticV2AcceptsTheseConversions(String json, String expected) {
            var response = client.request("POST", "/values").body(json, "application/json").send();

            assertThat(response.status()).as("%s", response).isEqualTo(200);
            assertThat(response.text()).isEqualTo(expected);
        }

        @ParameterizedTest(name = "{0} -> {1}")
        @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
                {"text": 123}              | text   | string_type
                {"text": true}             | text   | string_type
                {"text": ["a"]}            | text   | string_type
                {"count": 5.5}             | count  | int_from_float
                {"count": "5.5"}           | count  | int_parsing
                {"count": {}}              | count  | int_type
                {"count": NaN}             | count  | finite_number
                {"count": Infinity}        | count  | finite_number
                {"count": 1e400}           | count  | finite_number
                {"ratio": "abc"}           | ratio  | float_parsing
                {"ratio": []}              | ratio  | float_type
                {"flag": "maybe"}          | flag   | bool_parsing
                {"flag": 2}                | flag   | bool_parsing
                {"flag": NaN}              | flag   | bool_parsing
                {"flag": [true]}           | flag   | bool_type
                {"amount": "x"}            | amount | decimal_parsing
                {"amount": NaN}            | amount | finite_number
                """)
        void pydanticV2RefusesTheseConversions(String json, String field, String type) {
            assertThat(errorOf(json)).containsEntry("type", type).containsEntry("loc", loc("body", field));
        }

        @Test
        void aNumberIsNotAStringAndTheErrorEchoesTheNumber() {
            assertThat(errorOf("{\"text\": 123}")).containsEntry("msg", "Input should be a valid string").containsEntry("input", 123);
        }

        @Test
        void aNullListElementIsAnErrorAtItsIndex() {
            var response = client.request("POST", "/counts").body("[1, null, \"3\", \"x\"]", "application/json").send();

            assertThat(errors(response)).extracting(e -> e.get("type"), e -> e.get("loc")).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("int_type", loc("body", 1)),
                    org.assertj.core.groups.Tuple.tuple("int_parsing", loc("body", 3)));
        }
    }
}
