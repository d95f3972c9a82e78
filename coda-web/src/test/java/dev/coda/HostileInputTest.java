package dev.coda;

import dev.coda.testsupport.LogCapture;
import static dev.coda.Problems.loc;
import static dev.coda.Problems.onlyError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coda.testing.TestClient;
import dev.coda.testing.TestResponse;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bodies and values built to exhaust the server: nesting past the limits, numbers, names and strings too long,
 * bytes that are not text, digits that take quadratic time to convert. Each is a 4xx that says what and where,
 * answered quickly and without a line logged above INFO (docs/reliability.md, "Request bodies and JSON").
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTest {

    public record Item(String name, double price) {
    }

    public static final class Routes {
        @Post("/items")
        public Item create(Item item) {
            return item;
        }

        @Post("/documents")
        public Map<String, Object> document(@Body Object document) {
            return Map.of("stored", true);
        }

        @Post("/trees")
        public JsonNode tree(@Body JsonNode tree) {
            return tree;
        }

        @Post("/counts")
        public Map<String, Object> counts(@Body List<Integer> counts) {
            return Map.of("counts", counts);
        }

        @Post("/ratios")
        public Map<String, Object> ratios(@Body List<Double> ratios) {
            return Map.of("ratios", ratios);
        }

        @Get("/values")
        public Map<String, Object> values(java.util.Optional<Long> count, java.util.Optional<Double> ratio,
                                          java.util.Optional<BigDecimal> amount, java.util.Optional<Instant> at) {
            return Map.of("count", count.orElse(0L), "ratio", ratio.orElse(0.0), "amount", amount.orElse(BigDecimal.ZERO),
                    "at", at.map(Instant::toString).orElse(""));
        }
    }

    @RegisterExtension
    final LogCapture logs = LogCapture.everything();

    private TestClient client;

    @BeforeAll
    void start() {
        client = TestClient.of(Coda.app().routes(new Routes()).build());
    }

    @AfterAll
    void stop() {
        client.close();
    }

    @AfterEach
    void nothingWasLoggedAboveInfo() {
        assertThat(logs.aboveInfo()).isEmpty();
    }

    private TestResponse post(String path, String body) {
        return post(path, body.getBytes(StandardCharsets.UTF_8));
    }

    private TestResponse post(String path, byte[] body) {
        return client.request("POST", path).body(body, "application/json").send();
    }

    private static Map<String, Object> jsonInvalid(int position, String error) {
        return Map.of("type", "json_invalid", "loc", loc("body", position), "msg", "JSON decode error", "input", Map.of(),
                "ctx", Map.of("error", error));
    }

    @Nested
    class JsonBodies {

        @Test
        void aDocumentNestedPastTheLimitIsA422AtTheBracketThatPassesIt() {
            var body = "{\"name\": " + "[".repeat(1001) + "]".repeat(1001) + "}";

            for (var path : List.of("/items", "/documents", "/trees")) {
                assertThat(onlyError(post(path, body))).as(path)
                        .isEqualTo(jsonInvalid(9 + 999, "Nesting deeper than the limit of 1000 levels"));
            }
        }

        @Test
        void nestingAHundredThousandLevelsDeepIsA422NotAStackOverflow() {
            var body = "[".repeat(100_000) + "]".repeat(100_000);

            assertThat(onlyError(post("/documents", body))).isEqualTo(jsonInvalid(1000, "Nesting deeper than the limit of 1000 levels"));
        }

        @Test
        void aDocumentAtTheDepthLimitIsReadAndQuotedBackInItsValidationError() {
            var deep = "[".repeat(1000) + "]".repeat(1000);

            var response = post("/items", deep);

            assertThat(response.status()).isEqualTo(422);
            assertThat(response.text()).startsWith("{\"detail\":[{\"type\":\"model_attributes_type\",\"loc\":[\"body\"],"
                    + "\"msg\":\"Input should be a valid dictionary or object to extract fields from\",\"input\":[[[");
            assertThat(post("/trees", deep).text()).isEqualTo(deep);
            assertThat(post("/documents", deep).status()).isEqualTo(200);
        }

        @Test
        void aSyntaxErrorBeforeTheDepthLimitIsPythonsError() {
            assertThat(onlyError(post("/documents", "[".repeat(10) + "x" + "[".repeat(2000))))
                    .isEqualTo(jsonInvalid(10, "Expecting value"));
        }

        @Test
        void aNumberLongerThanTheLimitIsA422AtTheNumber() {
            assertThat(onlyError(post("/counts", "[1, -" + "9".repeat(1001) + "]")))
                    .isEqualTo(jsonInvalid(4, "Number longer than the limit of 1000 digits"));
        }

        @Test
        void aPropertyNameLongerThanTheLimitIsA422AtTheName() {
            assertThat(onlyError(post("/items", "{\"name\": \"x\", \"" + "k".repeat(50_001) + "\": 1}")))
                    .isEqualTo(jsonInvalid(14, "Property name longer than the limit of 50000 bytes"));
        }

        @Test
        void bytesThatAreNotUtf8AreA422AtTheCharacterWhereTheyStart() {
            var body = new byte[] {'{', '"', 'n', 'a', 'm', 'e', '"', ':', ' ', '"', (byte) 0xc3, (byte) 0xa9, (byte) 0xff, '"', '}'};

            assertThat(onlyError(post("/items", body))).isEqualTo(jsonInvalid(11, "Invalid UTF-8 at byte 12 (0xff)"));
        }

        @Test
        void aValidDocumentTooDeepForPythonStaysWithinCodasLimitAndIsRead() {
            // CPython 3.11 stops near 1,000 levels (RecursionError, FastAPI's 400); Coda reads up to its limit
            assertThat(post("/documents", "[".repeat(999) + "]".repeat(999)).status()).isEqualTo(200);
        }
    }

    @Nested
    class LongValues {

        private TestResponse values(String query) {
            return client.get("/values?" + query);
        }

        @Test
        void anIntegerOfMoreThan4300CharactersIsRefusedBeforeItIsConverted() {
            assertThat(onlyError(values("count=" + "7".repeat(4301)))).containsEntry("type", "int_parsing_size")
                    .containsEntry("loc", loc("query", "count"))
                    .containsEntry("msg", "Unable to parse input string as an integer, exceeded maximum size");
            assertThat(onlyError(post("/counts", "[\"" + "7".repeat(1_000_000) + "\"]")))
                    .containsEntry("type", "int_parsing_size").containsEntry("loc", loc("body", 0));
        }

        @Test
        void aLongRunOfDigitsThatIsNoNumberFailsWithoutBacktracking() {
            // quadratic backtracking took minutes for these 200,000 digits
            assertThat(onlyError(post("/ratios", "[\"" + "1".repeat(200_000) + "x\"]"))).containsEntry("type", "float_parsing");
            assertThat(onlyError(values("count=" + "1_".repeat(2000) + "x"))).containsEntry("type", "int_parsing");
        }

        @Test
        void digitsSeparatedByThousandsOfUnderscoresAreReadWithoutAStackOverflow() {
            assertThat(post("/ratios", "[\"" + "1_".repeat(100_000) + "1\"]").status()).isEqualTo(200);
            assertThat(values("ratio=" + "1_".repeat(3500) + "1").status()).isEqualTo(200);
        }

        @Test
        void aTimestampBeyondTheRangeOfInstantIsADatetimeError() {
            // 2^64 + 5 seconds used to wrap around to 5
            for (var at : List.of("1e20", "1e999999999", "-99999999999999999999", "123456789012345678", "18446744073709551621")) {
                assertThat(onlyError(values("at=" + at))).as(at).containsEntry("type", "datetime_parsing")
                        .containsEntry("ctx", Map.of("error", "out of range"));
            }
        }

        @Test
        void aTimestampOfFewerThanANanosecondIsTheEpoch() {
            assertThat(values("at=1e-999999999").json()).isEqualTo(Map.of("count", 0, "ratio", 0.0, "amount", 0,
                    "at", "1970-01-01T00:00:00Z"));
            assertThat(values("at=-1.5").json()).extracting("at").isEqualTo("1969-12-31T23:59:58.500Z");
        }

        @Test
        void aDecimalOfMoreThan4300CharactersIsRefusedBeforeItIsConverted() {
            assertThat(onlyError(values("amount=" + "3".repeat(4301)))).containsEntry("type", "decimal_parsing");
        }
    }
}
