package dev.coda.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coda.Coda;
import dev.coda.Dependency;
import dev.coda.Depends;
import dev.coda.Get;
import dev.coda.Post;
import dev.coda.testing.TestClient;
import dev.coda.testing.TestResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each security scheme with good and bad inputs, its OpenAPI scheme, and {@code @Security} scopes along a chain. */
class SecuritySchemesTest {

    public static final class Routes {
        final AtomicInteger scopedCalls = new AtomicInteger();

        @Get("/oauth")
        public Map<String, Object> oauth(@Depends("token") String token) {
            return Map.of("token", token);
        }

        @Get("/optional-oauth")
        public Map<String, Object> optionalOauth(@Depends("Optional") String token) {
            var out = new HashMap<String, Object>();
            out.put("token", token);
            return out;
        }

        @Get("/header")
        public Map<String, Object> header(@Depends("headerKey") String key) {
            return Map.of("key", key);
        }

        @Get("/query")
        public Map<String, Object> query(@Depends("queryKey") String key) {
            return Map.of("key", key);
        }

        @Get("/cookie")
        public Map<String, Object> cookie(@Depends("cookieKey") String key) {
            var out = new HashMap<String, Object>();
            out.put("key", key);
            return out;
        }

        @Get("/basic")
        public Map<String, Object> basic(HTTPBasicCredentials credentials) {
            return Map.of("username", credentials.username(), "password", credentials.password());
        }

        @Get("/bearer")
        public Map<String, Object> bearer(HTTPAuthorizationCredentials credentials) {
            return Map.of("scheme", credentials.scheme(), "credentials", credentials.credentials());
        }

        @Dependency
        public List<String> required(SecurityScopes scopes, @Depends("token") String token) {
            scopedCalls.incrementAndGet();
            return scopes.scopes();
        }

        final AtomicInteger clockCalls = new AtomicInteger();

        /** Reads no scopes: one value per request, whatever the scopes it is reached with. */
        @Dependency
        public Clock clock() {
            clockCalls.incrementAndGet();
            return new Clock();
        }

        @Get("/clock")
        public Map<String, Object> readClock(@Security(value = "clockUser", scopes = "a") ClockUser scoped, Clock plain) {
            return Map.of("same", scoped.clock() == plain);
        }

        @Dependency
        public ClockUser clockUser(Clock clock) {
            return new ClockUser(clock);
        }

        @Dependency
        public Inner inner(@Security(value = "required", scopes = "b") List<String> scopes) {
            return new Inner(scopes);
        }

        @Get("/scopes")
        public Map<String, Object> scopes(@Security(value = "inner", scopes = "a") Inner inner,
                                          @Security(value = "required", scopes = "c") List<String> direct,
                                          @Security(value = "required", scopes = "c") List<String> again) {
            return Map.of("inner", inner.scopes(), "direct", direct, "same", again == direct);
        }

        @Post("/token")
        public Map<String, Object> token(@Depends OAuth2PasswordRequestForm form) {
            var out = new HashMap<String, Object>();
            out.put("username", form.username());
            out.put("scopes", form.scopes());
            out.put("grant_type", form.grantType());
            out.put("client_id", form.clientId());
            return out;
        }
    }

    public record Inner(List<String> scopes) {
    }

    public static final class Clock {
    }

    public record ClockUser(Clock clock) {
    }

    static Coda app(Routes routes) {
        return Coda.app()
                .dependencies(new OAuth2PasswordBearer("token", Map.of("a", "A", "b", "B", "c", "C")),
                        new OAuth2PasswordBearer("token", Map.of(), false).named("Optional"),
                        new APIKeyHeader("X-Key").described("a key"), new APIKeyQuery("key"), new APIKeyCookie("session", false),
                        new HTTPBasic("shop", true), new HTTPBearer("JWT", true))
                .routes(routes)
                .build();
    }

    private Routes routes;
    private TestClient client;

    @BeforeEach
    void start() {
        routes = new Routes();
        client = TestClient.of(app(routes));
    }

    @AfterEach
    void stop() {
        client.close();
    }

    private TestResponse get(String path, String header, String value) {
        var request = client.request("GET", path);
        if (header != null) {
            request.header(header, value);
        }
        return request.send();
    }

    private static void assertNotAuthenticated(TestResponse response, String challenge) {
        assertThat(response.status()).as("%s", response).isEqualTo(401);
        assertThat(response.json()).isEqualTo(Map.of("detail", "Not authenticated"));
        assertThat(response.header("WWW-Authenticate")).contains(challenge);
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void oauth2PasswordBearerGivesTheTokenOfABearerHeaderAndRefusesEverythingElse() {
        assertThat(get("/oauth", "Authorization", "Bearer abc").json()).isEqualTo(Map.of("token", "abc"));
        assertThat(get("/oauth", "Authorization", "bEaReR  x.y ").json()).isEqualTo(Map.of("token", "x.y"));
        assertNotAuthenticated(get("/oauth", null, null), "Bearer");
        assertNotAuthenticated(get("/oauth", "Authorization", "Basic YTpi"), "Bearer");
        assertNotAuthenticated(get("/oauth", "Authorization", ""), "Bearer");
    }

    @Test
    void withoutAutoErrorAMissingTokenIsNull() {
        assertThat(get("/optional-oauth", null, null).json()).isEqualTo(java.util.Collections.singletonMap("token", null));
        assertThat(get("/optional-oauth", "Authorization", "Basic abc").json())
                .isEqualTo(java.util.Collections.singletonMap("token", null));
        assertThat(get("/optional-oauth", "Authorization", "Bearer t").json()).isEqualTo(Map.of("token", "t"));
    }

    @Test
    void apiKeysAreReadFromTheirHeaderQueryOrCookieAndAnEmptyKeyIsMissing() {
        assertThat(get("/header", "X-Key", "k1").json()).isEqualTo(Map.of("key", "k1"));
        assertNotAuthenticated(get("/header", null, null), "APIKey");
        assertNotAuthenticated(get("/header", "X-Key", ""), "APIKey");
        assertThat(get("/query?key=k2", null, null).json()).isEqualTo(Map.of("key", "k2"));
        assertNotAuthenticated(get("/query?key=", null, null), "APIKey");
        assertNotAuthenticated(get("/query?other=k", null, null), "APIKey");
        assertThat(get("/cookie", "Cookie", "session=k3").json()).isEqualTo(Map.of("key", "k3"));
        assertThat(get("/cookie", null, null).json()).isEqualTo(java.util.Collections.singletonMap("key", null));
    }

    @Test
    void httpBasicDecodesUserAndPasswordAndAnswersWithItsRealm() {
        assertThat(get("/basic", "Authorization", "Basic " + base64("alice:se:cret")).json())
                .isEqualTo(Map.of("username", "alice", "password", "se:cret"));
        assertThat(get("/basic", "Authorization", "basic " + base64(":")).json()).isEqualTo(Map.of("username", "", "password", ""));
        var challenge = "Basic realm=\"shop\"";
        assertNotAuthenticated(get("/basic", null, null), challenge);
        assertNotAuthenticated(get("/basic", "Authorization", "Bearer " + base64("a:b")), challenge);
        assertNotAuthenticated(get("/basic", "Authorization", "Basic !!!not-base64"), challenge);
        assertNotAuthenticated(get("/basic", "Authorization", "Basic " + base64("no colon")), challenge);
        assertNotAuthenticated(get("/basic", "Authorization", "Basic "), challenge);
        assertNotAuthenticated(get("/basic", "Authorization", "Basic " + base64("jü:pw")), challenge);
    }

    @Test
    void httpBearerNeedsTheBearerSchemeAndCredentials() {
        assertThat(get("/bearer", "Authorization", "Bearer abc").json()).isEqualTo(Map.of("scheme", "Bearer", "credentials", "abc"));
        assertNotAuthenticated(get("/bearer", null, null), "Bearer");
        assertNotAuthenticated(get("/bearer", "Authorization", "Basic abc"), "Bearer");
        assertNotAuthenticated(get("/bearer", "Authorization", "Bearer "), "Bearer");
        assertNotAuthenticated(get("/bearer", "Authorization", "Bearer"), "Bearer");
    }

    @Test
    void securityScopesAreTheChainsOutermostFirstAndADependencyIsCachedPerScopes() {
        var response = get("/scopes", "Authorization", "Bearer t");

        assertThat(response.json()).isEqualTo(Map.of("inner", List.of("a", "b"), "direct", List.of("c"), "same", true));
        assertThat(routes.scopedCalls).as("once for [a, b], once for [c]").hasValue(2);
    }

    @Test
    void aDependencyThatReadsNoScopesIsComputedOnceWhateverTheScopes() {
        assertThat(get("/clock", null, null).json()).isEqualTo(Map.of("same", true));
        assertThat(routes.clockCalls).hasValue(1);
    }

    @Test
    void thePasswordFormSplitsScopesAndChecksTheGrantType() {
        var ok = client.request("POST", "/token").form("username", "alice").form("password", "pw")
                .form("scope", " me  items ").form("client_id", "cli").send();
        var expected = new HashMap<String, Object>(Map.of("username", "alice", "scopes", List.of("me", "items"), "client_id", "cli"));
        expected.put("grant_type", null);
        assertThat(ok.json()).isEqualTo(expected);
        var refused = client.request("POST", "/token").form("grant_type", "client_credentials").form("username", "a")
                .form("password", "p").send();
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.text()).contains("\"loc\":[\"body\",\"grant_type\"]", "string_pattern_mismatch");
    }

    @Test
    void theDocumentHasEverySchemeAndEachOperationsRequirement() throws Exception {
        var document = new ObjectMapper().readTree(app(new Routes()).openapi());
        JsonNode schemes = document.at("/components/securitySchemes");

        assertThat(schemes.get("APIKeyHeader").toString()).isEqualTo(
                "{\"type\":\"apiKey\",\"description\":\"a key\",\"in\":\"header\",\"name\":\"X-Key\"}");
        assertThat(schemes.get("HTTPBearer").toString()).isEqualTo("{\"type\":\"http\",\"scheme\":\"bearer\",\"bearerFormat\":\"JWT\"}");
        assertThat(schemes.get("Optional").at("/flows/password/tokenUrl").asText()).isEqualTo("token");
        assertThat(document.at("/paths/~1scopes/get/security").toString())
                .as("one requirement per scheme, its scopes merged, as FastAPI 0.142 writes them")
                .isEqualTo("[{\"OAuth2PasswordBearer\":[\"a\",\"b\",\"c\"]}]");
        assertThat(document.at("/paths/~1cookie/get/security").toString()).isEqualTo("[{\"APIKeyCookie\":[]}]");
        assertThat(document.at("/paths/~1token/post/security").isMissingNode()).isTrue();
    }

    public static final class TwoKeys {
        @Get("/k")
        public String k(@Depends("headerKey") String key) {
            return key;
        }
    }

    @Test
    void twoSchemesOfOneKindMustBeNamed() {
        assertThatThrownBy(() -> Coda.app().dependencies(new APIKeyHeader("A"), new APIKeyHeader("B")).routes(new TwoKeys()).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("2 @Dependency methods return String");
    }
}
