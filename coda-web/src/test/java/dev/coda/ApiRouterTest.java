package dev.coda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coda.testing.TestClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Routers: prefixes compose, tags, dependencies and responses accumulate outer first, deprecated and hidden propagate. */
class ApiRouterTest {

    /** Records the order in which the routers' dependencies run. */
    static final class Trace {
        final List<String> ran = new ArrayList<>();
    }

    record Outer() {
    }

    record Inner() {
    }

    record Own() {
    }

    static final class Checks {
        private final Trace trace;

        Checks(Trace trace) {
            this.trace = trace;
        }

        @Dependency
        public Outer outer(@Header java.util.Optional<String> xOuter) {
            trace.ran.add("outer");
            return new Outer();
        }

        @Dependency
        public Inner inner(@Default("1") int page) {
            trace.ran.add("inner");
            return new Inner();
        }

        @Dependency
        public Own own() {
            trace.ran.add("own");
            return new Own();
        }
    }

    @Operation(tags = "class")
    @Requires(Own.class)
    public static final class Leaf {
        @Get("/leaf/{id}")
        @Operation(tags = "method")
        @Responds(status = 404, description = "No such leaf")
        public Map<String, Integer> leaf(int id) {
            return Map.of("id", id);
        }

        @Get("")
        public String bare() {
            return "bare";
        }
    }

    public static final class Plain {
        @Get("/plain")
        public String plain() {
            return "plain";
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static Coda nested(Trace trace) {
        var inner = ApiRouter.prefix("/inner").tags("inner").requires(Inner.class).responds(404, "Not found").responds(409, "Conflict")
                .routes(new Leaf());
        var outer = ApiRouter.prefix("/outer").tags("outer").requires(Outer.class).responds(418, "I'm a teapot", Outer.class)
                .include(inner);
        return Coda.app().host("127.0.0.1").port(0).dependencies(new Checks(trace)).include(outer).routes(new Plain()).build();
    }

    @Test
    void prefixesComposeAndDependenciesRunOuterFirstBeforeTheClassesOwn() {
        var trace = new Trace();
        try (var client = TestClient.of(nested(trace))) {
            assertThat(client.get("/outer/inner/leaf/7").json()).isEqualTo(Map.of("id", 7));
            assertThat(trace.ran).containsExactly("outer", "inner", "own");
            assertThat(client.get("/outer/inner").json()).isEqualTo("bare");          // @Get("") is the prefix itself
            assertThat(client.get("/leaf/7").status()).isEqualTo(404);
            assertThat(client.get("/inner/leaf/7").status()).isEqualTo(404);
            assertThat(client.get("/plain").json()).isEqualTo("plain");
        }
    }

    @Test
    void theDocumentShowsPrefixedPathsTagsOuterFirstTheDependenciesParametersAndMergedResponses() throws Exception {
        JsonNode document = MAPPER.readTree(nested(new Trace()).openapi());

        assertThat(document.at("/paths").has("/outer/inner/leaf/{id}")).isTrue();
        var leaf = document.at("/paths/~1outer~1inner~1leaf~1{id}/get");
        assertThat(leaf.get("tags").toString()).isEqualTo("[\"outer\",\"inner\",\"class\",\"method\"]");
        assertThat(leaf.get("parameters").findValuesAsText("name")).containsExactly("id", "page", "x-outer");
        assertThat(leaf.at("/responses/404/description").asText()).isEqualTo("No such leaf");     // the method's own wins
        assertThat(leaf.at("/responses/409/description").asText()).isEqualTo("Conflict");
        assertThat(leaf.at("/responses/418/content/application~1json/schema/$ref").asText())
                .isEqualTo("#/components/schemas/Outer");
        assertThat(leaf.has("deprecated")).isFalse();
        assertThat(document.at("/paths/~1plain/get").has("tags")).isFalse();
    }

    @Test
    void deprecatedAndHiddenHoldForEveryRouteOfTheRouterAndThoseItIncludes() throws Exception {
        var app = Coda.app().port(0)
                .include(ApiRouter.prefix("/old").deprecated(true).include(ApiRouter.prefix("/v1").routes(new Plain())))
                .include(ApiRouter.prefix("/secret").hidden(true).routes(new Plain()))
                .build();
        JsonNode document = MAPPER.readTree(app.openapi());

        assertThat(document.at("/paths/~1old~1v1~1plain/get/deprecated").asBoolean()).isTrue();
        assertThat(document.at("/paths").has("/secret/plain")).isFalse();
        try (var client = TestClient.of(app)) {
            assertThat(client.get("/secret/plain").json()).isEqualTo("plain");           // hidden, still served
        }
    }

    @Test
    void theSameRouteObjectUnderTwoPrefixesIsTwoRoutes() {
        var app = Coda.app().port(0).include(ApiRouter.prefix("/a").routes(new Plain())).include(ApiRouter.prefix("/b").routes(new Plain()))
                .build();
        try (var client = TestClient.of(app)) {
            assertThat(client.get("/a/plain").json()).isEqualTo("plain");
            assertThat(client.get("/b/plain").json()).isEqualTo("plain");
        }
    }

    @Test
    void prefixesAreCheckedAsFastApiChecksThem() {
        assertThatThrownBy(() -> ApiRouter.prefix("items")).hasMessageContaining("must start with '/'");
        assertThatThrownBy(() -> ApiRouter.prefix("/items/")).hasMessageContaining("must not end with '/'");
        assertThatThrownBy(() -> ApiRouter.prefix("/x").responds(42, "no")).hasMessageContaining("not an HTTP status code");
    }

    @Test
    void aRouterThatIncludesItselfIsRefused() {
        var a = ApiRouter.prefix("/a");
        assertThatThrownBy(() -> a.include(a)).hasMessageContaining("cannot include itself");
        var b = ApiRouter.prefix("/b").include(a);
        a.include(b);
        assertThatThrownBy(() -> Coda.app().port(0).include(a).build()).hasMessageContaining("a router includes itself");
    }

    @Test
    void aRouteDeclaredTwiceThroughRoutersIsReportedWithItsFullPath() {
        var app = Coda.app().port(0).include(ApiRouter.prefix("/a").routes(new Plain())).include(ApiRouter.prefix("/a").routes(new Plain()));
        assertThatThrownBy(app::build).isInstanceOf(IllegalStateException.class).hasMessageContaining("/a/plain");
    }
}
