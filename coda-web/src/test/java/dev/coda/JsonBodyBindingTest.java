package dev.coda;

import static dev.coda.Problems.loc;
import static dev.coda.Problems.locs;
import static dev.coda.Problems.onlyError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.coda.testing.TestClient;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
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

/** JSON bodies: records to any depth, collections, maps, optionals, JSON names, defaults, several body parameters, raw bodies. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JsonBodyBindingTest {

    public record Item(String name, double price, @JsonProperty("is_offer") Optional<Boolean> isOffer) {
    }

    public record Address(String city, @JsonProperty("zip_code") String zipCode) {
    }

    public record Customer(UUID id, String name, Address address, List<Address> previous, Map<String, Integer> scores,
                           Optional<LocalDate> birthday) {
    }

    public record Query(@Default("10") int limit, @Default("\"asc\"") String order, @Default("[\"a\", \"b\"]") List<String> tags,
                        @Default("null") Optional<String> cursor) {
    }

    /** A recursive record: its reader refers to itself while it is being built. */
    public record Node(String name, Optional<Node> next) {
    }

    /** Not a record: handed to Jackson. */
    public static final class Pet {
        public String name;
        public int age;
    }

    public static final class Routes {
        @Post("/items")
        public Item item(Item item) {
            return item;
        }

        @Put("/items/{item_id}")
        public Map<String, Object> update(int itemId, Item item) {
            return Map.of("item_id", itemId, "name", item.name());
        }

        @Post("/customers")
        public Customer customer(Customer customer) {
            return customer;
        }

        @Post("/batch")
        public Map<String, Object> batch(List<Item> items) {
            return Map.of("count", items.size(), "names", items.stream().map(Item::name).toList());
        }

        @Post("/scores")
        public Map<String, Object> scores(Map<String, Integer> scores) {
            return Map.of("total", scores.values().stream().mapToInt(Integer::intValue).sum(), "keys", List.copyOf(scores.keySet()));
        }

        @Post("/queries")
        public Query query(Query query) {
            return query;
        }

        @Post("/embedded")
        public Map<String, Object> embedded(Item item, Address address) {
            return Map.of("item", item.name(), "city", address.city());
        }

        @Post("/maybe")
        public Map<String, Object> maybe(Optional<Item> item) {
            return Map.of("present", item.isPresent(), "name", item.map(Item::name).orElse("-"));
        }

        @Post("/raw")
        public Map<String, Object> raw(byte[] data) {
            return Map.of("length", data.length, "text", new String(data, StandardCharsets.UTF_8));
        }

        @Post("/text")
        public Map<String, Object> text(@Body String text) {
            return Map.of("text", text);
        }

        @Post("/any")
        public Map<String, Object> any(@Body Map<String, Object> document) {
            return Map.of("keys", List.copyOf(document.keySet()), "document", document);
        }

        @Post("/count")
        public Map<String, Object> count(@Body int count) {
            return Map.of("count", count + 1);
        }

        @Post("/decimals")
        public Map<String, Object> decimals(@Body List<BigDecimal> amounts) {
            return Map.of("sum", amounts.stream().reduce(BigDecimal.ZERO, BigDecimal::add));
        }

        @Post("/chains")
        public Map<String, Object> chain(Optional<Node> head) {
            var names = new java.util.ArrayList<String>();
            for (var node = head; node.isPresent(); node = node.get().next()) {
                names.add(node.get().name());
            }
            return Map.of("names", names);
        }

        @Post("/pets")
        public Map<String, Object> pet(Pet pet) {
            return Map.of("name", pet.name, "age", pet.age);
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

    private static Map<String, Object> map(Object... keysAndValues) {
        var out = new HashMap<String, Object>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            out.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return out;
    }

    @Nested
    class Records {

        @Test
        void aRecordParameterIsTheJsonBody() {
            var response = client.post("/items", Map.of("name", "x", "price", 1.5, "is_offer", true));

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.json()).isEqualTo(Map.of("name", "x", "price", 1.5, "is_offer", true));
        }

        @Test
        void aBodyAndAPathParameterBindTogether() {
            assertThat(client.put("/items/5", Map.of("name", "x", "price", 1.5)).json()).isEqualTo(Map.of("item_id", 5, "name", "x"));
        }

        @Test
        void anOptionalFieldIsEmptyWhenAbsentOrNull() {
            assertThat(client.post("/items", Map.of("name", "x", "price", 2)).json())
                    .isEqualTo(map("name", "x", "price", 2.0, "is_offer", null));
            assertThat(client.post("/items", map("name", "x", "price", 2, "is_offer", null)).json())
                    .isEqualTo(map("name", "x", "price", 2.0, "is_offer", null));
        }

        @Test
        void aFieldIsReadUnderItsJsonPropertyNameOnly() {
            var response = client.post("/items", Map.of("name", "x", "price", 2, "isOffer", true));

            assertThat(response.json()).isEqualTo(map("name", "x", "price", 2.0, "is_offer", null));
        }

        @Test
        void unknownFieldsAreIgnored() {
            var response = client.post("/items", Map.of("name", "x", "price", 2, "color", "red"));

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.json()).isEqualTo(map("name", "x", "price", 2.0, "is_offer", null));
        }

        @Test
        void nestedRecordsListsOfRecordsAndMapsAreReadToAnyDepth() {
            var id = UUID.randomUUID().toString();
            var body = Map.of("id", id, "name", "Ada",
                    "address", Map.of("city", "London", "zip_code", "N1"),
                    "previous", List.of(Map.of("city", "Paris", "zip_code", "75001"), Map.of("city", "Rome", "zip_code", "00100")),
                    "scores", Map.of("math", 10, "poetry", 9),
                    "birthday", "1815-12-10");

            var response = client.post("/customers", body);

            assertThat(response.status()).as("%s", response).isEqualTo(200);
            assertThat(response.json()).isEqualTo(body);
        }

        @Test
        void errorsInNestedRecordsListsAndMapsAreReportedAtTheirFullLocation() {
            var body = map("id", "nope", "name", "Ada",
                    "address", Map.of("city", "London"),
                    "previous", List.of(Map.of("city", "Paris", "zip_code", "75001"), Map.of("city", 7, "zip_code", "00100")),
                    "scores", Map.of("math", "ten"),
                    "birthday", "yesterday");

            assertThat(locs(client.post("/customers", body))).containsExactly(
                    loc("body", "id"),
                    loc("body", "address", "zip_code"),
                    loc("body", "previous", 1, "city"),
                    loc("body", "scores", "math"),
                    loc("body", "birthday"));
        }

        @Test
        void aNestedRecordThatIsNotAnObjectIsReportedAtItsField() {
            var error = onlyError(client.post("/customers", map("id", UUID.randomUUID().toString(), "name", "Ada",
                    "address", "London", "previous", List.of(), "scores", Map.of())));

            assertThat(error).containsEntry("type", "model_attributes_type").containsEntry("loc", loc("body", "address"));
        }

        @Test
        void recordComponentDefaultsApplyToAbsentFieldsOnly() {
            assertThat(client.post("/queries", Map.of()).json())
                    .isEqualTo(map("limit", 10, "order", "asc", "tags", List.of("a", "b"), "cursor", null));
            assertThat(client.post("/queries", Map.of("limit", 3, "order", "desc", "tags", List.of(), "cursor", "c1")).json())
                    .isEqualTo(Map.of("limit", 3, "order", "desc", "tags", List.of(), "cursor", "c1"));
        }

        @Test
        void anExplicitNullIsNotReplacedByTheDefault() {
            var error = onlyError(client.post("/queries", map("limit", null)));

            assertThat(error).containsEntry("type", "int_type").containsEntry("loc", loc("body", "limit"));
        }

        @Test
        void aDefaultThatIsNotJsonIsRefusedAtStartup() {
            record Bad(@Default("asc") String order) {
            }
            final class BadRoutes {
                @Post("/bad")
                public Bad bad(Bad bad) {
                    return bad;
                }
            }

            assertThatIllegalStateException().isThrownBy(() -> Coda.app().routes(new BadRoutes()).build())
                    .withMessageContaining("@Default(\"asc\")")
                    .withMessageContaining("is not JSON");
        }
    }

    @Nested
    class OtherShapes {

        @Test
        void aListOfRecordsIsTheJsonArrayBody() {
            var response = client.post("/batch", List.of(Map.of("name", "a", "price", 1), Map.of("name", "b", "price", 2)));

            assertThat(response.json()).isEqualTo(Map.of("count", 2, "names", List.of("a", "b")));
        }

        @Test
        void anErrorInAListBodyIsReportedAtTheElementsIndex() {
            var response = client.post("/batch", List.of(Map.of("name", "a", "price", 1), Map.of("name", "b")));

            assertThat(onlyError(response)).containsEntry("type", "missing").containsEntry("loc", loc("body", 1, "price"));
        }

        @Test
        void aListBodyMustBeAnArray() {
            assertThat(onlyError(client.post("/batch", Map.of("name", "a")))).containsEntry("type", "list_type")
                    .containsEntry("loc", loc("body"));
        }

        @Test
        void aMapBodyKeepsTheKeysInOrderAndConvertsTheValues() {
            var response = client.request("POST", "/scores").body("{\"b\": 2, \"a\": \"3\", \"c\": 4}", "application/json").send();

            assertThat(response.json()).isEqualTo(Map.of("total", 9, "keys", List.of("b", "a", "c")));
        }

        @Test
        void aMapValueThatDoesNotConvertIsReportedAtItsKey() {
            var response = client.post("/scores", Map.of("a", "x"));

            assertThat(onlyError(response)).containsEntry("type", "int_parsing").containsEntry("loc", loc("body", "a"));
        }

        @Test
        void aBodyMapOfObjectsIsAnyJsonObject() {
            var document = Map.of("n", 1, "nested", Map.of("list", List.of(true, "x")));

            var response = client.request("POST", "/any").body("{\"n\": 1, \"nested\": {\"list\": [true, \"x\"]}}", "application/json").send();

            assertThat(response.json()).isEqualTo(Map.of("keys", List.of("n", "nested"), "document", document));
        }

        @Test
        void aSimpleTypeWithBodyIsReadAsAJsonValue() {
            assertThat(client.post("/count", 41).json()).isEqualTo(Map.of("count", 42));
            assertThat(client.post("/decimals", List.of("0.1", 0.2)).json()).isEqualTo(Map.of("sum", 0.3));
        }

        @Test
        void anOptionalBodyIsEmptyWithoutBodyAndPresentWithOne() {
            assertThat(client.post("/maybe").json()).isEqualTo(Map.of("present", false, "name", "-"));
            assertThat(client.post("/maybe", Map.of("name", "x", "price", 1)).json()).isEqualTo(Map.of("present", true, "name", "x"));
        }

        @Test
        void aRecursiveOptionalRecordEndsWhereTheJsonEnds() {
            var response = client.post("/chains", Map.of("name", "a", "next", Map.of("name", "b", "next", Map.of("name", "c"))));

            assertThat(response.json()).isEqualTo(Map.of("names", List.of("a", "b", "c")));
        }

        @Test
        void aClassThatIsNotARecordIsReadByJacksonIgnoringUnknownFieldsLikePydantic() {
            assertThat(client.post("/pets", Map.of("name", "Rex", "age", 3)).json()).isEqualTo(Map.of("name", "Rex", "age", 3));
            assertThat(client.post("/pets", Map.of("name", "Rex", "age", 3, "color", "brown")).json())
                    .isEqualTo(Map.of("name", "Rex", "age", 3));
        }

        @Test
        void aFieldJacksonCannotReadIsReportedAtThatField() {
            var error = onlyError(client.post("/pets", Map.of("name", "Rex", "age", "old")));

            assertThat(error).containsEntry("type", "value_error")
                    .containsEntry("loc", loc("body", "age"))
                    .containsEntry("input", "old");
        }

        @Test
        void aClassBodyMustBeAnObject() {
            assertThat(onlyError(client.post("/pets", List.of()))).containsEntry("type", "model_attributes_type")
                    .containsEntry("loc", loc("body"));
        }
    }

    @Nested
    class SeveralBodyParameters {

        @Test
        void eachIsEmbeddedUnderItsParameterName() {
            var response = client.post("/embedded", Map.of(
                    "item", Map.of("name", "x", "price", 1),
                    "address", Map.of("city", "Oslo", "zip_code", "0150")));

            assertThat(response.json()).isEqualTo(Map.of("item", "x", "city", "Oslo"));
        }

        @Test
        void theirErrorsAreReportedUnderTheirNames() {
            var response = client.post("/embedded", Map.of("item", Map.of("name", "x")));

            assertThat(locs(response)).containsExactly(loc("body", "item", "price"), loc("body", "address"));
        }

        @Test
        void withoutBodyEachIsMissing() {
            assertThat(locs(client.post("/embedded"))).containsExactly(loc("body", "item"), loc("body", "address"));
        }
    }

    @Nested
    class RawBodies {

        @Test
        void aByteArrayParameterIsTheRawBodyWhateverItsContentType() {
            var response = client.request("POST", "/raw").body("{not json", "application/octet-stream").send();

            assertThat(response.json()).isEqualTo(Map.of("length", 9, "text", "{not json"));
        }

        @Test
        void aByteArrayParameterIsEmptyWithoutBody() {
            assertThat(client.post("/raw").json()).isEqualTo(Map.of("length", 0, "text", ""));
        }

        @Test
        void aStringBodyParameterIsTheBodyAsUtf8Text() {
            var response = client.request("POST", "/text").body("héllo {", "text/plain; charset=utf-8").send();

            assertThat(response.json()).isEqualTo(Map.of("text", "héllo {"));
        }

        @Test
        void aStringBodyIsNotParsedAsJsonEvenWithAJsonContentType() {
            var response = client.request("POST", "/text").body("{\"a\": ", "application/json").send();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.json()).isEqualTo(Map.of("text", "{\"a\": "));
        }
    }
}
