package dev.coda;

import static dev.coda.Problems.errors;
import static dev.coda.Problems.loc;
import static dev.coda.Problems.locs;
import static dev.coda.Problems.onlyError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.coda.testing.TestClient;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Jakarta Validation constraints on body records and on parameters, answered as pydantic-shaped 422 errors. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConstraintValidationTest {

    public record Address(@NotBlank String city, @JsonProperty("zip_code") @Pattern(regexp = "\\d{5}") String zipCode) {
    }

    public record Product(@NotBlank String name,
                          @Size(min = 2, max = 5) String code,
                          @Min(1) int quantity,
                          @JsonProperty("unit_price") @Positive BigDecimal unitPrice,
                          @Size(max = 2) List<String> tags,
                          @DecimalMax("0.5") double discount) {
    }

    public record Shipment(@JsonProperty("ship_to") @Valid Address shipTo, @Valid List<Address> stops) {
    }

    public static final class Routes {
        @Post("/products")
        public Map<String, Object> create(Product product) {
            return Map.of("name", product.name());
        }

        @Post("/shipments")
        public Map<String, Object> ship(Shipment shipment) {
            return Map.of("city", shipment.shipTo().city());
        }

        @Post("/batches")
        public Map<String, Object> batch(List<Product> products) {
            return Map.of("count", products.size());
        }

        @Post("/maybe")
        public Map<String, Object> maybe(Optional<Product> product) {
            return Map.of("present", product.isPresent());
        }

        @Get("/page")
        public Map<String, Object> page(@Min(0) @Default("0") int skip, @Min(1) @Max(100) @Default("10") int limit) {
            return Map.of("skip", skip, "limit", limit);
        }

        @Get("/search")
        public Map<String, Object> search(@Header @Min(1) int xVersion, @Size(min = 3) @Query("q") String text) {
            return Map.of("q", text, "version", xVersion);
        }

        @Post("/orders")
        public Map<String, Object> order(@Min(1) @Default("1") int copies, Address address) {
            return Map.of("copies", copies);
        }
    }

    /** A class dependency: its constructor parameters are query parameters. */
    public record Paging(@Min(1) @Default("1") int page, @Max(50) @Default("20") int size) {
    }

    public static final class PagedRoutes {
        @Get("/paged")
        public Map<String, Object> paged(@Depends Paging paging) {
            return Map.of("page", paging.page(), "size", paging.size());
        }
    }

    /** Routes registered as a class: its static methods. */
    public static final class StaticRoutes {
        @Get("/static/page")
        public static Map<String, Object> page(@Min(1) @Default("1") int page) {
            return Map.of("page", page);
        }
    }

    private TestClient client;

    @BeforeAll
    void start() {
        client = TestClient.of(Coda.app().routes(new Routes(), new PagedRoutes(), StaticRoutes.class).build());
    }

    @AfterAll
    void stop() {
        client.close();
    }

    private static Map<String, Object> validProduct() {
        return Map.of("name", "Widget", "code", "W1", "quantity", 1, "unit_price", 2.5, "tags", List.of("a"), "discount", 0.1);
    }

    private static Map<String, Object> product(String key, Object value) {
        var out = new java.util.HashMap<>(validProduct());
        out.put(key, value);
        return out;
    }

    @Nested
    class OnBodies {

        @Test
        void aValidBodyPasses() {
            assertThat(client.post("/products", validProduct()).json()).isEqualTo(Map.of("name", "Widget"));
        }

        @Test
        void eachConstraintIsReportedWithPydanticsTypeMessageAndContext() {
            assertThat(onlyError(client.post("/products", product("name", "  ")))).containsEntry("type", "string_too_short")
                    .containsEntry("loc", loc("body", "name")).containsEntry("input", "  ").containsEntry("ctx", Map.of("min_length", 1));
            assertThat(onlyError(client.post("/products", product("code", "X")))).containsEntry("type", "string_too_short")
                    .containsEntry("loc", loc("body", "code")).containsEntry("msg", "String should have at least 2 characters")
                    .containsEntry("ctx", Map.of("min_length", 2));
            assertThat(onlyError(client.post("/products", product("code", "TOOLONG")))).containsEntry("type", "string_too_long")
                    .containsEntry("msg", "String should have at most 5 characters").containsEntry("ctx", Map.of("max_length", 5));
            assertThat(onlyError(client.post("/products", product("quantity", 0)))).containsEntry("type", "greater_than_equal")
                    .containsEntry("loc", loc("body", "quantity")).containsEntry("msg", "Input should be greater than or equal to 1")
                    .containsEntry("input", 0).containsEntry("ctx", Map.of("ge", 1));
            assertThat(onlyError(client.post("/products", product("discount", 0.75)))).containsEntry("type", "less_than_equal")
                    .containsEntry("loc", loc("body", "discount")).containsEntry("ctx", Map.of("le", "0.5"));
            assertThat(onlyError(client.post("/products", product("tags", List.of("a", "b", "c"))))).containsEntry("type", "too_long")
                    .containsEntry("loc", loc("body", "tags")).containsEntry("input", List.of("a", "b", "c"));
        }

        @Test
        void aConstrainedFieldIsReportedUnderItsJsonName() {
            assertThat(onlyError(client.post("/products", product("unit_price", -1)))).containsEntry("type", "greater_than")
                    .containsEntry("loc", loc("body", "unit_price")).containsEntry("ctx", Map.of("gt", 0));
        }

        @Test
        void everyViolationIsReportedInTheOrderOfTheRecordsComponents() {
            var body = Map.of("name", "", "code", "TOOLONG", "quantity", 0, "unit_price", 0, "tags", List.of("a", "b", "c"),
                    "discount", 0.9);

            for (int attempt = 0; attempt < 5; attempt++) {
                assertThat(locs(client.post("/products", body))).containsExactly(
                        loc("body", "name"), loc("body", "code"), loc("body", "quantity"), loc("body", "unit_price"),
                        loc("body", "tags"), loc("body", "discount"));
            }
        }

        @Test
        void constraintsAreOnlyCheckedOnceTheBodyBinds() {
            var error = onlyError(client.post("/products", product("quantity", "none")));

            assertThat(error).containsEntry("type", "int_parsing").containsEntry("loc", loc("body", "quantity"));
        }

        @Test
        void validNestedRecordsAreValidatedAndReportedAtTheirJsonPath() {
            var body = Map.of(
                    "ship_to", Map.of("city", "", "zip_code", "75001"),
                    "stops", List.of(Map.of("city", "Lyon", "zip_code", "69001"), Map.of("city", "Nice", "zip_code", "abc")));

            assertThat(locs(client.post("/shipments", body))).containsExactly(
                    loc("body", "ship_to", "city"), loc("body", "stops", 1, "zip_code"));
        }

        @Test
        void theElementsOfAListBodyAreValidatedAtTheirIndex() {
            var response = client.post("/batches", List.of(validProduct(), product("quantity", 0)));

            assertThat(onlyError(response)).containsEntry("type", "greater_than_equal").containsEntry("loc", loc("body", 1, "quantity"));
        }

        @Test
        void anOptionalBodyIsValidatedWhenPresent() {
            assertThat(client.post("/maybe").json()).isEqualTo(Map.of("present", false));
            assertThat(onlyError(client.post("/maybe", product("quantity", 0)))).containsEntry("loc", loc("body", "quantity"));
        }
    }

    @Nested
    class OnParameters {

        @Test
        void validParametersPass() {
            assertThat(client.get("/page?skip=5&limit=100").json()).isEqualTo(Map.of("skip", 5, "limit", 100));
        }

        @Test
        void aQueryParameterBelowItsMinimumIsReportedAtItsName() {
            var error = onlyError(client.get("/page?limit=0"));

            assertThat(error).containsEntry("type", "greater_than_equal")
                    .containsEntry("loc", loc("query", "limit"))
                    .containsEntry("msg", "Input should be greater than or equal to 1")
                    .containsEntry("input", 0)
                    .containsEntry("ctx", Map.of("ge", 1));
        }

        @Test
        void aQueryParameterAboveItsMaximumIsReportedAtItsName() {
            assertThat(onlyError(client.get("/page?limit=101"))).containsEntry("type", "less_than_equal")
                    .containsEntry("loc", loc("query", "limit")).containsEntry("ctx", Map.of("le", 100));
        }

        @Test
        void everyParameterViolationIsReportedInParameterOrder() {
            for (int attempt = 0; attempt < 5; attempt++) {
                assertThat(errors(client.get("/page?skip=-1&limit=500"))).extracting(e -> e.get("type"), e -> e.get("loc"))
                        .containsExactly(Tuple.tuple("greater_than_equal", loc("query", "skip")),
                                Tuple.tuple("less_than_equal", loc("query", "limit")));
            }
        }

        @Test
        void parameterViolationsAreReportedQueryBeforeHeaderWhateverTheDeclarationOrder() {
            var response = client.request("GET", "/search?q=ab").header("X-Version", "0").send();

            assertThat(locs(response)).containsExactly(loc("query", "q"), loc("header", "x-version"));
        }

        @Test
        void constraintsApplyToStaticPathOperations() {
            assertThat(client.get("/static/page?page=2").json()).isEqualTo(Map.of("page", 2));
            assertThat(onlyError(client.get("/static/page?page=0"))).containsEntry("type", "greater_than_equal")
                    .containsEntry("loc", loc("query", "page"));
        }

        @Test
        void constraintsApplyToTheConstructorParametersOfAClassDependency() {
            assertThat(client.get("/paged?page=2").json()).isEqualTo(Map.of("page", 2, "size", 20));
            assertThat(locs(client.get("/paged?page=0&size=51"))).containsExactly(loc("query", "page"), loc("query", "size"));
        }

        @Test
        void aStaticMethodWithAConstraintCodaCannotCheckIsRefusedAtStartup() {
            final class Unsupported {
                @Get("/mail")
                public static String mail(@jakarta.validation.constraints.Email String to) {
                    return to;
                }
            }

            assertThatThrownBy(() -> Coda.app().routes(Unsupported.class).build())
                    .hasMessageContaining("@Email cannot be checked on a static method");
        }

        @Test
        void aParameterViolationIsReportedTogetherWithTheBodysErrors() {
            var response = client.post("/orders?copies=0", Map.of("zip_code", "12345"));

            assertThat(locs(response)).containsExactly(loc("query", "copies"), loc("body", "city"));
        }
    }
}
