package dev.coda.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coda.Body;
import dev.coda.Coda;
import dev.coda.Cookie;
import dev.coda.Default;
import dev.coda.Delete;
import dev.coda.Dependency;
import dev.coda.Depends;
import dev.coda.Get;
import dev.coda.Header;
import dev.coda.Operation;
import dev.coda.Post;
import dev.coda.Put;
import dev.coda.Request;
import dev.coda.Requires;
import dev.coda.Responds;
import dev.coda.Response;
import dev.coda.tasks.BackgroundTasks;
import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every feature of the generated document on one app, each asserted exactly; the document is valid OpenAPI 3.1. */
class OpenApiDocumentTest {

    enum Color { RED, GREEN }

    /** A constraint made of others: the metadata API sees its parts. */
    @Constraint(validatedBy = {})
    @Retention(RetentionPolicy.RUNTIME)
    @Size(min = 3, max = 8)
    @Pattern(regexp = "[A-Z]+")
    public @interface Code {
        String message() default "not a code";

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};
    }

    public record Item(@NotBlank @Size(max = 50) String name, @Positive BigDecimal price, @Min(1) @Max(10) int quantity,
                       @JsonProperty("is_offer") Optional<Boolean> isOffer, @Email String contact, @Code String code,
                       @NotEmpty Set<String> labels, Map<String, Integer> stock, @DecimalMax(value = "9.5", inclusive = false) double rating,
                       UUID id, LocalDate day, Instant at, LocalTime time, Duration ttl, Color color, List<Long> counts,
                       @Default("\"new\"") String state) {
    }

    /** Recursive through a list. */
    public record Category(String name, List<Category> children, Optional<Category> parent) {
    }

    /** Written with a field the binder reads but Jackson leaves out of answers: two schemas. */
    public record Account(String login, @JsonIgnore String password) {
    }

    public record User(String name) {
    }

    public record Problem(String detail) {
    }

    public record Page(int number) {
        @Dependency
        static Page page(@Min(1) int page, @Header("x-page-size") Optional<Integer> size) {
            return new Page(page);
        }
    }

    public static final class Audit {
        @Dependency
        public static Audit audit(@Cookie("session") String session, int page) {
            return new Audit();
        }
    }

    @Operation(tags = "shop")
    public static final class Shop {
        @Get("/items/{item_id}")
        @Operation(summary = "One item", description = "The item, **with** its price.", tags = "items")
        @Responds(status = 404, description = "No such item", type = Problem.class)
        public Item readItem(@Min(1) long itemId, @Default("10") @Max(100) int limit, List<Color> colors,
                             @Default("RED") Color color, Request request) {
            return null;
        }

        @Post(value = "/items", status = 201)
        @Responds(status = 409, type = Problem.class)
        @Requires(Audit.class)
        public Response createItem(Item item, User user, BackgroundTasks tasks, Page page) {
            return Response.created(item);
        }

        @Put("/categories")
        public Category putCategory(Category category) {
            return category;
        }

        @Post("/accounts")
        @Operation(deprecated = true)
        public Account signUp(Account account, @Body Optional<dev.coda.openapi.other.Item> other) {
            return account;
        }

        @Delete(value = "/items/{item_id}", status = 204)
        public void deleteItem(long itemId) {
        }

        @Get("/secret")
        @Operation(hidden = true)
        public String secret() {
            return "s";
        }

        @Get("/files/{path:path}")
        @Responds(status = 200, description = "The file", type = byte[].class)
        public Response file(String path, @Depends("page") Page page) {
            return Response.bytes(new byte[0], "application/octet-stream");
        }
    }

    private static JsonNode document;

    @BeforeAll
    static void generate() throws Exception {
        var app = Coda.app().routes(new Shop()).dependencies(Page.class, Audit.class)
                .openapi(doc -> doc.title("Shop").version("2.0.0").summary("A shop").description("Sells **items**.")
                        .termsOfService("https://shop.example.com/terms").contact("Team", "https://shop.example.com", "team@shop.example.com")
                        .licenseIdentifier("Apache 2.0", "Apache-2.0").server("https://shop.example.com", "Production")
                        .tag("items", "Operations on items"))
                .build();
        var text = app.openapi();
        assertThat(OpenApiSchema.errors(text)).isEmpty();
        document = new ObjectMapper().readTree(text);
    }

    private static String at(String pointer) {
        return document.at(pointer).toString();
    }

    private static final String READ = "/paths/~1items~1{item_id}/get";
    private static final String CREATE = "/paths/~1items/post";

    @Test
    void appMetadataInFastApisOrder() {
        assertThat(at("/info")).isEqualTo("{\"title\":\"Shop\",\"version\":\"2.0.0\",\"summary\":\"A shop\",\"description\":\"Sells **items**.\","
                + "\"termsOfService\":\"https://shop.example.com/terms\",\"contact\":{\"name\":\"Team\",\"url\":\"https://shop.example.com\","
                + "\"email\":\"team@shop.example.com\"},\"license\":{\"name\":\"Apache 2.0\",\"identifier\":\"Apache-2.0\"}}");
        assertThat(at("/servers")).isEqualTo("[{\"url\":\"https://shop.example.com\",\"description\":\"Production\"}]");
        assertThat(at("/tags")).isEqualTo("[{\"name\":\"items\",\"description\":\"Operations on items\"}]");
    }

    @Test
    void operationMetadata() {
        assertThat(at(READ + "/tags")).isEqualTo("[\"shop\",\"items\"]");
        assertThat(at(READ + "/summary")).isEqualTo("\"One item\"");
        assertThat(at(READ + "/description")).isEqualTo("\"The item, **with** its price.\"");
        assertThat(at(READ + "/operationId")).isEqualTo("\"read_item_items__item_id__get\"");
        assertThat(at(CREATE + "/summary")).isEqualTo("\"Create Item\"");
        assertThat(at(CREATE + "/operationId")).isEqualTo("\"create_item_items_post\"");
        assertThat(at("/paths/~1accounts/post/deprecated")).isEqualTo("true");
        assertThat(document.at(READ).has("deprecated")).isFalse();
        assertThat(document.at("/paths").has("/secret")).as("hidden").isFalse();
        assertThat(document.at("/paths").has("/files/{path}")).as("a path converter is not part of the name").isTrue();
    }

    @Test
    void parametersWithTypesDefaultsEnumsListsAndConstraints() {
        assertThat(at(READ + "/parameters")).isEqualTo("["
                + "{\"name\":\"item_id\",\"in\":\"path\",\"required\":true,\"schema\":{\"type\":\"integer\",\"format\":\"int64\",\"minimum\":1,\"title\":\"Item Id\"}},"
                + "{\"name\":\"limit\",\"in\":\"query\",\"required\":false,\"schema\":{\"type\":\"integer\",\"format\":\"int32\",\"maximum\":100,\"default\":10,\"title\":\"Limit\"}},"
                + "{\"name\":\"colors\",\"in\":\"query\",\"required\":false,\"schema\":{\"items\":{\"$ref\":\"#/components/schemas/Color\"},\"type\":\"array\",\"title\":\"Colors\"}},"
                + "{\"name\":\"color\",\"in\":\"query\",\"required\":false,\"schema\":{\"$ref\":\"#/components/schemas/Color\",\"default\":\"RED\",\"title\":\"Color\"}}]");
        assertThat(at("/components/schemas/Color")).isEqualTo("{\"type\":\"string\",\"enum\":[\"RED\",\"GREEN\"],\"title\":\"Color\"}");
    }

    @Test
    void dependenciesParametersAreFlattenedOnceAndRequirementsToo() {
        // page (query) comes from the Page dependency and from Audit (a requirement): once; x-page-size a header; session a cookie
        assertThat(at(CREATE + "/parameters")).isEqualTo("["
                + "{\"name\":\"page\",\"in\":\"query\",\"required\":true,\"schema\":{\"type\":\"integer\",\"format\":\"int32\",\"minimum\":1,\"title\":\"Page\"}},"
                + "{\"name\":\"x-page-size\",\"in\":\"header\",\"required\":false,\"schema\":{\"anyOf\":[{\"type\":\"integer\",\"format\":\"int32\"},{\"type\":\"null\"}],\"title\":\"X-Page-Size\"}},"
                + "{\"name\":\"session\",\"in\":\"cookie\",\"required\":true,\"schema\":{\"type\":\"string\",\"title\":\"Session\"}}]");
        assertThat(document.toString()).doesNotContain("tasks").doesNotContain("request\"");
    }

    @Test
    void severalBodiesAreEmbeddedInOneComponentNamedAfterTheOperation() {
        assertThat(at(CREATE + "/requestBody")).isEqualTo("{\"required\":true,\"content\":{\"application/json\":"
                + "{\"schema\":{\"$ref\":\"#/components/schemas/Body_create_item_items_post\"}}}}");
        assertThat(at("/components/schemas/Body_create_item_items_post")).isEqualTo("{\"properties\":{"
                + "\"item\":{\"$ref\":\"#/components/schemas/dev__coda__openapi__OpenApiDocumentTest__Item\"},\"user\":{\"$ref\":\"#/components/schemas/User\"}},"
                + "\"type\":\"object\",\"required\":[\"item\",\"user\"],\"title\":\"Body_create_item_items_post\"}");
    }

    @Test
    void recordSchemasWithJacksonNamesFormatsAndConstraintsComposedOnesIncluded() {
        var p = "/components/schemas/dev__coda__openapi__OpenApiDocumentTest__Item/properties/";
        assertThat(at(p + "name")).isEqualTo("{\"type\":\"string\",\"minLength\":1,\"maxLength\":50,\"title\":\"Name\"}");
        assertThat(at(p + "price")).isEqualTo("{\"type\":\"number\",\"exclusiveMinimum\":0,\"title\":\"Price\"}");
        assertThat(at(p + "quantity")).isEqualTo("{\"type\":\"integer\",\"format\":\"int32\",\"maximum\":10,\"minimum\":1,\"title\":\"Quantity\"}");
        assertThat(at(p + "is_offer")).isEqualTo("{\"anyOf\":[{\"type\":\"boolean\"},{\"type\":\"null\"}],\"title\":\"Is Offer\"}");
        assertThat(at(p + "contact")).isEqualTo("{\"type\":\"string\",\"format\":\"email\",\"title\":\"Contact\"}");
        assertThat(document.at(p + "code/maxLength").asInt()).isEqualTo(8);
        assertThat(document.at(p + "code/minLength").asInt()).isEqualTo(3);
        assertThat(document.at(p + "code/pattern").asText()).isEqualTo("^(?:[A-Z]+)$");
        assertThat(at(p + "labels")).isEqualTo("{\"items\":{\"type\":\"string\"},\"type\":\"array\",\"uniqueItems\":true,\"minItems\":1,\"title\":\"Labels\"}");
        assertThat(at(p + "stock")).isEqualTo("{\"additionalProperties\":{\"type\":\"integer\",\"format\":\"int32\"},\"type\":\"object\",\"title\":\"Stock\"}");
        assertThat(at(p + "rating")).isEqualTo("{\"type\":\"number\",\"format\":\"double\",\"exclusiveMaximum\":9.5,\"title\":\"Rating\"}");
        assertThat(at(p + "id")).isEqualTo("{\"type\":\"string\",\"format\":\"uuid\",\"title\":\"Id\"}");
        assertThat(at(p + "day")).isEqualTo("{\"type\":\"string\",\"format\":\"date\",\"title\":\"Day\"}");
        assertThat(at(p + "at")).isEqualTo("{\"type\":\"string\",\"format\":\"date-time\",\"title\":\"At\"}");
        assertThat(at(p + "time")).isEqualTo("{\"type\":\"string\",\"format\":\"time\",\"title\":\"Time\"}");
        assertThat(at(p + "ttl")).isEqualTo("{\"type\":\"string\",\"format\":\"duration\",\"title\":\"Ttl\"}");
        assertThat(at(p + "color")).isEqualTo("{\"$ref\":\"#/components/schemas/Color\"}");
        assertThat(at(p + "counts")).isEqualTo("{\"items\":{\"type\":\"integer\",\"format\":\"int64\"},\"type\":\"array\",\"title\":\"Counts\"}");
        assertThat(at(p + "state")).isEqualTo("{\"type\":\"string\",\"default\":\"new\",\"title\":\"State\"}");
        assertThat(at("/components/schemas/dev__coda__openapi__OpenApiDocumentTest__Item/required")).isEqualTo("[\"name\",\"price\",\"quantity\",\"contact\",\"code\",\"labels\","
                + "\"stock\",\"rating\",\"id\",\"day\",\"at\",\"time\",\"ttl\",\"color\",\"counts\"]");
    }

    @Test
    void recursiveTypesEndInOneComponent() {
        assertThat(at("/components/schemas/Category")).isEqualTo("{\"properties\":{"
                + "\"name\":{\"type\":\"string\",\"title\":\"Name\"},"
                + "\"children\":{\"items\":{\"$ref\":\"#/components/schemas/Category\"},\"type\":\"array\",\"title\":\"Children\"},"
                + "\"parent\":{\"anyOf\":[{\"$ref\":\"#/components/schemas/Category\"},{\"type\":\"null\"}]}},"
                + "\"type\":\"object\",\"required\":[\"name\",\"children\"],\"title\":\"Category\"}");
        assertThat(at("/paths/~1categories/put/responses/200/content/application~1json/schema")).isEqualTo("{\"$ref\":\"#/components/schemas/Category\"}");
    }

    @Test
    void aTypeReadAndWrittenDifferentlyGetsInputAndOutputComponentsAndClashingNamesAreQualified() {
        assertThat(at("/components/schemas/Account-Input/required")).isEqualTo("[\"login\",\"password\"]");
        assertThat(at("/components/schemas/Account-Output/properties")).isEqualTo("{\"login\":{\"type\":\"string\",\"title\":\"Login\"}}");
        assertThat(at("/paths/~1accounts/post/responses/200/content/application~1json/schema")).isEqualTo("{\"$ref\":\"#/components/schemas/Account-Output\"}");
        assertThat(at("/components/schemas/Body_sign_up_accounts_post/properties")).isEqualTo("{"
                + "\"account\":{\"$ref\":\"#/components/schemas/Account-Input\"},"
                + "\"other\":{\"anyOf\":[{\"$ref\":\"#/components/schemas/dev__coda__openapi__other__Item\"},{\"type\":\"null\"}],\"title\":\"Other\"}}");
        assertThat(at("/components/schemas/Body_sign_up_accounts_post/required")).isEqualTo("[\"account\"]");
        assertThat(document.at("/components/schemas").has("dev__coda__openapi__OpenApiDocumentTest__Item")).isTrue();
        assertThat(document.at("/components/schemas").has("Item")).as("no unqualified Item when two classes have the name").isFalse();
    }

    @Test
    void responsesDeclaredStatusReturnTypeExtraResponsesAnd422OnlyWhereSomethingIsRead() {
        assertThat(at(READ + "/responses/200/content/application~1json/schema"))
                .isEqualTo("{\"$ref\":\"#/components/schemas/dev__coda__openapi__OpenApiDocumentTest__Item\"}");
        assertThat(at(READ + "/responses/404")).isEqualTo("{\"description\":\"No such item\",\"content\":{\"application/json\":"
                + "{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}}}");
        assertThat(at(CREATE + "/responses/201")).isEqualTo("{\"description\":\"Successful Response\",\"content\":{\"application/json\":{\"schema\":{}}}}");
        assertThat(at(CREATE + "/responses/409/description")).isEqualTo("\"Conflict\"");
        assertThat(at("/paths/~1items~1{item_id}/delete/responses/204")).isEqualTo("{\"description\":\"Successful Response\"}");
        assertThat(at("/paths/~1files~1{path}/get/responses/200")).isEqualTo("{\"description\":\"The file\",\"content\":{\"application/json\":"
                + "{\"schema\":{\"type\":\"string\",\"contentEncoding\":\"base64\"}}}}");
        assertThat(document.at(READ + "/responses").has("422")).isTrue();
        assertThat(at("/components/schemas/HTTPValidationError/properties/detail/items")).isEqualTo("{\"$ref\":\"#/components/schemas/ValidationError\"}");
        assertThat(OpenApiSchema.errors("{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"x\"},\"paths\":{}}"))
                .as("the schema check itself rejects a document without info.version").isNotEmpty();
    }

    @Test
    void anAppThatReadsNothingHasNo422AndNoComponents() throws Exception {
        var app = Coda.app().routes(new Object() {
            @Get("/")
            public Map<String, String> root() {
                return Map.of();
            }
        }).build();
        var node = new ObjectMapper().readTree(app.openapi());

        assertThat(node.has("components")).isFalse();
        assertThat(node.at("/paths/~1/get/responses").toString()).isEqualTo("{\"200\":{\"description\":\"Successful Response\","
                + "\"content\":{\"application/json\":{\"schema\":{\"additionalProperties\":{\"type\":\"string\"},\"type\":\"object\"}}}}}");
    }
}
