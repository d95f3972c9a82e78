package dev.coda;

import static dev.coda.Problems.loc;
import static dev.coda.Problems.locs;
import static dev.coda.Problems.onlyError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.coda.testing.TestClient;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Path and query parameters: found by name, converted to every simple type in pydantic's lax mode,
 * optional, repeated, defaulted, and the errors when they do not convert.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PathAndQueryBindingTest {

    /** Any annotation named {@code Nullable} makes a parameter optional. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    @interface Nullable {
    }

    public enum Color { RED, GREEN, BLUE }

    /** What a parameter was bound to, and its Java type. */
    public record Echo(Object value, String type) {
        static Echo of(Object value) {
            return new Echo(value, value == null ? "null" : value.getClass().getSimpleName());
        }
    }

    public static final class Types {
        @Get("/string") public Echo string(String value) { return Echo.of(value); }
        @Get("/int") public Echo primitiveInt(int value) { return Echo.of(value); }
        @Get("/Integer") public Echo boxedInt(Integer value) { return Echo.of(value); }
        @Get("/long") public Echo primitiveLong(long value) { return Echo.of(value); }
        @Get("/Long") public Echo boxedLong(Long value) { return Echo.of(value); }
        @Get("/boolean") public Echo primitiveBoolean(boolean value) { return Echo.of(value); }
        @Get("/Boolean") public Echo boxedBoolean(Boolean value) { return Echo.of(value); }
        @Get("/double") public Echo primitiveDouble(double value) { return Echo.of(value); }
        @Get("/Double") public Echo boxedDouble(Double value) { return Echo.of(value); }
        @Get("/BigDecimal") public Echo bigDecimal(BigDecimal value) { return Echo.of(value); }
        @Get("/BigInteger") public Echo bigInteger(BigInteger value) { return Echo.of(value); }
        @Get("/UUID") public Echo uuid(UUID value) { return Echo.of(value); }
        @Get("/Color") public Echo color(Color value) { return Echo.of(value); }
        @Get("/LocalDate") public Echo localDate(LocalDate value) { return Echo.of(value); }
        @Get("/Instant") public Echo instant(Instant value) { return Echo.of(value); }
    }

    public static final class Shapes {
        @Get("/items/{item_id}")
        public Map<String, Object> item(int itemId, Optional<String> q) {
            var out = new HashMap<String, Object>();
            out.put("item_id", itemId);
            out.put("q", q.orElse(null));
            return out;
        }

        @Get("/users/{id}/orders/{order_id}")
        public Map<String, Object> order(@Path("id") long userId, UUID orderId) {
            return Map.of("user", userId, "order", orderId.toString());
        }

        @Get("/search")
        public Map<String, Object> search(@Query("item-query") String text) {
            return Map.of("text", text);
        }

        @Get("/optional")
        public Echo optional(Optional<Integer> value) {
            return new Echo(value.orElse(null), value.isPresent() ? "present" : "empty");
        }

        @Get("/nullable")
        public Echo nullable(@Nullable Integer value) {
            return Echo.of(value);
        }

        @Get("/tags")
        public Map<String, Object> tags(List<String> tag) {
            return Map.of("tag", tag);
        }

        @Get("/numbers")
        public Map<String, Object> numbers(List<Integer> n) {
            return Map.of("n", n, "sum", n.stream().mapToInt(Integer::intValue).sum());
        }

        @Get("/page")
        public Map<String, Object> page(@Default("0") int skip, @Default("10") int limit, @Default("RED") Color color,
                                        @Default("x,y") List<String> sort) {
            return Map.of("skip", skip, "limit", limit, "color", color, "sort", sort);
        }

        @Get("/pair")
        public Map<String, Object> pair(int a, int b) {
            return Map.of("a", a, "b", b);
        }
    }

    private TestClient client;

    @BeforeAll
    void start() {
        client = TestClient.of(Coda.app().routes(new Types(), new Shapes()).build());
    }

    @AfterAll
    void stop() {
        client.close();
    }

    @Nested
    class ByName {

        @Test
        void aCamelCaseParameterBindsTheSnakeCasePlaceholder() {
            assertThat(client.get("/items/5").json()).isEqualTo(mapWith("item_id", 5, "q", null));
        }

        @Test
        void anExplicitPathNameAndThePlaceholderOfTheSameNameBindTogether() {
            var id = UUID.randomUUID();

            assertThat(client.get("/users/7/orders/" + id).json()).isEqualTo(Map.of("user", 7, "order", id.toString()));
        }

        @Test
        void aParameterThatIsNoPlaceholderIsAQueryParameter() {
            assertThat(client.get("/items/5?q=somequery").json()).isEqualTo(Map.of("item_id", 5, "q", "somequery"));
        }

        @Test
        void anExplicitQueryNameMayBeAnythingAQueryStringCanHold() {
            assertThat(client.get("/search?item-query=shoes").json()).isEqualTo(Map.of("text", "shoes"));
        }

        @Test
        void queryValuesAreFormDecoded() {
            assertThat(client.get("/search?item-query=a+b%26c%3Dd").json()).isEqualTo(Map.of("text", "a b&c=d"));
        }

        @Test
        void anEmptyQueryValueIsAnEmptyString() {
            assertThat(client.get("/items/5?q=").json()).isEqualTo(Map.of("item_id", 5, "q", ""));
            assertThat(client.get("/items/5?q").json()).isEqualTo(Map.of("item_id", 5, "q", ""));
        }

        @Test
        void theLastValueOfARepeatedScalarQueryParameterWins() {
            assertThat(client.get("/items/5?q=a&q=b").json()).isEqualTo(Map.of("item_id", 5, "q", "b"));
            assertThat(client.get("/pair?a=1&b=2&a=3").json()).isEqualTo(Map.of("a", 3, "b", 2));
        }

        @Test
        void anUnexpectedQueryParameterIsIgnored() {
            assertThat(client.get("/pair?a=1&b=2&c=3").json()).isEqualTo(Map.of("a", 1, "b", 2));
        }
    }

    @Nested
    class SimpleTypes {

        @ParameterizedTest(name = "{0} <- {1}")
        @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
                string     | hello                                  | {"value":"hello","type":"String"}
                string     | 123                                    | {"value":"123","type":"String"}
                int        | 5                                      | {"value":5,"type":"Integer"}
                int        | -3                                     | {"value":-3,"type":"Integer"}
                int        | %2B7                                   | {"value":7,"type":"Integer"}
                int        | +7+                                    | {"value":7,"type":"Integer"}
                int        | 2147483647                             | {"value":2147483647,"type":"Integer"}
                Integer    | 5                                      | {"value":5,"type":"Integer"}
                long       | 9000000000                             | {"value":9000000000,"type":"Long"}
                Long       | -9000000000                            | {"value":-9000000000,"type":"Long"}
                boolean    | true                                   | {"value":true,"type":"Boolean"}
                boolean    | yes                                    | {"value":true,"type":"Boolean"}
                boolean    | on                                     | {"value":true,"type":"Boolean"}
                boolean    | 1                                      | {"value":true,"type":"Boolean"}
                boolean    | False                                  | {"value":false,"type":"Boolean"}
                boolean    | no                                     | {"value":false,"type":"Boolean"}
                boolean    | off                                    | {"value":false,"type":"Boolean"}
                Boolean    | 0                                      | {"value":false,"type":"Boolean"}
                double     | 2.5                                    | {"value":2.5,"type":"Double"}
                double     | 3                                      | {"value":3.0,"type":"Double"}
                double     | 1e3                                    | {"value":1000.0,"type":"Double"}
                Double     | -0.25                                  | {"value":-0.25,"type":"Double"}
                BigDecimal | 19.990                                 | {"value":19.990,"type":"BigDecimal"}
                BigInteger | 99999999999999999999                   | {"value":99999999999999999999,"type":"BigInteger"}
                UUID       | 12345678-1234-5678-1234-567812345678   | {"value":"12345678-1234-5678-1234-567812345678","type":"UUID"}
                UUID       | 12345678123456781234567812345678       | {"value":"12345678-1234-5678-1234-567812345678","type":"UUID"}
                Color      | GREEN                                  | {"value":"GREEN","type":"Color"}
                LocalDate  | 2024-02-29                             | {"value":"2024-02-29","type":"LocalDate"}
                Instant    | 2024-01-02T03:04:05Z                   | {"value":"2024-01-02T03:04:05Z","type":"Instant"}
                Instant    | 2024-01-02T04:04:05%2B01:00            | {"value":"2024-01-02T03:04:05Z","type":"Instant"}
                Instant    | 1704164645                             | {"value":"2024-01-02T03:04:05Z","type":"Instant"}
                """)
        void aQueryParameterIsConvertedToTheParametersType(String type, String text, String json) {
            var response = client.get("/" + type + "?value=" + text);

            assertThat(response.status()).as("%s", response).isEqualTo(200);
            assertThat(response.text()).isEqualTo(json);
        }

        @ParameterizedTest(name = "{0} <- ''{1}''")
        @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
                int        | abc                     | int_parsing
                int        | 5.5                     | int_parsing
                int        | ''                      | int_parsing
                int        | 2147483648              | less_than_equal
                int        | -2147483649             | greater_than_equal
                Integer    | x                       | int_parsing
                long       | 1e3                     | int_parsing
                Long       | 99999999999999999999    | less_than_equal
                boolean    | maybe                   | bool_parsing
                Boolean    | 2                       | bool_parsing
                double     | abc                     | float_parsing
                Double     | 1,5                     | float_parsing
                BigDecimal | one                     | decimal_parsing
                BigInteger | 1.5                     | int_parsing
                UUID       | not-a-uuid              | uuid_parsing
                UUID       | 1234                    | uuid_parsing
                Color      | PURPLE                  | enum
                Color      | red                     | enum
                LocalDate  | 2023-02-29              | date_parsing
                LocalDate  | tomorrow                | date_parsing
                Instant    | soon                    | datetime_parsing
                """)
        void aValueThatDoesNotConvertIsA422WithPydanticsType(String type, String text, String errorType) {
            var error = onlyError(client.get("/" + type + "?value=" + text));

            assertThat(error).containsEntry("type", errorType)
                    .containsEntry("loc", loc("query", "value"))
                    .containsEntry("input", text);
            assertThat((String) error.get("msg")).isNotBlank();
        }

        @Test
        void anEnumErrorNamesTheExpectedValues() {
            var error = onlyError(client.get("/Color?value=PURPLE"));

            assertThat(error).containsEntry("msg", "Input should be 'RED', 'GREEN' or 'BLUE'")
                    .containsEntry("ctx", Map.of("expected", "'RED', 'GREEN' or 'BLUE'"));
        }

        @Test
        void aPathParameterThatDoesNotConvertIsReportedAtItsPlaceholderName() {
            var error = onlyError(client.get("/items/foo"));

            assertThat(error).containsEntry("type", "int_parsing")
                    .containsEntry("loc", loc("path", "item_id"))
                    .containsEntry("msg", "Input should be a valid integer, unable to parse string as an integer")
                    .containsEntry("input", "foo");
        }

        @Test
        void aPathParameterIsPercentDecodedBeforeConversion() {
            assertThat(client.get("/items/%35").json()).isEqualTo(mapWith("item_id", 5, "q", null));
        }
    }

    private static Map<String, Object> mapWith(String k1, Object v1, String k2, Object v2) {
        var m = new HashMap<String, Object>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }

    @Nested
    class Presence {

        @ParameterizedTest(name = "{0}")
        @CsvSource({"string", "int", "Integer", "boolean", "Boolean", "double", "UUID", "Color", "LocalDate", "Instant"})
        void aMissingRequiredQueryParameterIsA422Missing(String type) {
            var error = onlyError(client.get("/" + type));

            assertThat(error).containsEntry("type", "missing")
                    .containsEntry("loc", loc("query", "value"))
                    .containsEntry("msg", "Field required")
                    .containsEntry("input", null);
        }

        @Test
        void everyMissingQueryParameterIsReportedInDeclarationOrder() {
            assertThat(locs(client.get("/pair"))).containsExactly(loc("query", "a"), loc("query", "b"));
        }

        @Test
        void anOptionalParameterIsEmptyWhenAbsentAndPresentOtherwise() {
            assertThat(client.get("/optional").text()).isEqualTo("{\"value\":null,\"type\":\"empty\"}");
            assertThat(client.get("/optional?value=4").text()).isEqualTo("{\"value\":4,\"type\":\"present\"}");
        }

        @Test
        void anOptionalParameterThatDoesNotConvertIsStillAnError() {
            assertThat(onlyError(client.get("/optional?value=x"))).containsEntry("type", "int_parsing")
                    .containsEntry("loc", loc("query", "value"));
        }

        @Test
        void aNullableParameterIsNullWhenAbsent() {
            assertThat(client.get("/nullable").text()).isEqualTo("{\"value\":null,\"type\":\"null\"}");
            assertThat(client.get("/nullable?value=3").text()).isEqualTo("{\"value\":3,\"type\":\"Integer\"}");
        }

        @Test
        void defaultsApplyToAbsentParametersOnly() {
            assertThat(client.get("/page").json())
                    .isEqualTo(Map.of("skip", 0, "limit", 10, "color", "RED", "sort", List.of("x", "y")));
            assertThat(client.get("/page?limit=5&skip=20&color=BLUE&sort=z").json())
                    .isEqualTo(Map.of("skip", 20, "limit", 5, "color", "BLUE", "sort", List.of("z")));
        }

        @Test
        void aPresentButInvalidValueDoesNotFallBackToTheDefault() {
            assertThat(onlyError(client.get("/page?limit=many"))).containsEntry("type", "int_parsing")
                    .containsEntry("loc", loc("query", "limit"))
                    .containsEntry("input", "many");
        }
    }

    @Nested
    class Lists {

        @Test
        void aListParameterReceivesEveryValueOfARepeatedQueryParameterInOrder() {
            assertThat(client.get("/tags?tag=a&tag=b&tag=a").json()).isEqualTo(Map.of("tag", List.of("a", "b", "a")));
        }

        @Test
        void aListParameterIsEmptyWhenAbsent() {
            assertThat(client.get("/tags").json()).isEqualTo(Map.of("tag", List.of()));
        }

        @Test
        void listElementsAreConverted() {
            assertThat(client.get("/numbers?n=1&n=2&n=39").json()).isEqualTo(Map.of("n", List.of(1, 2, 39), "sum", 42));
        }

        @Test
        void everyBadListElementIsReportedAtItsIndex() {
            assertThat(locs(client.get("/numbers?n=1&n=x&n=3&n=y")))
                    .containsExactly(loc("query", "n", 1), loc("query", "n", 3));
        }
    }
}
