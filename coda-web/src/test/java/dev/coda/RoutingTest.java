package dev.coda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coda.testing.TestClient;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Routing through the whole pipeline: which path operation answers, and Starlette's answers when none
 * does (404, 405 with {@code Allow}, the trailing-slash redirect) or for {@code HEAD}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoutingTest {

    /** The literal route is declared after the placeholder route on purpose. */
    public static final class Users {
        @Get("/users/{user_id}")
        public Map<String, Object> user(String userId) {
            return Map.of("route", "by-id", "user_id", userId);
        }

        @Get("/users/me")
        public Map<String, Object> me() {
            return Map.of("route", "me");
        }

        @Delete("/users/{user_id}")
        public Map<String, Object> deleteUser(String userId) {
            return Map.of("route", "delete", "user_id", userId);
        }

        @Get("/users/{user_id}/posts")
        public Map<String, Object> posts(String userId) {
            return Map.of("route", "posts", "user_id", userId);
        }

        @Get("/users/me/settings")
        public Map<String, Object> settings() {
            return Map.of("route", "settings");
        }
    }

    /** The literal route is declared first here: the order must not matter either way. */
    public static final class Teams {
        @Get("/teams/all")
        public String all() {
            return "all";
        }

        @Get("/teams/{team}")
        public String team(String team) {
            return "team " + team;
        }
    }

    public static final class Things {
        @Get("/things/{thing_id}")
        public Map<String, Object> thing(int thingId) {
            return Map.of("thing_id", thingId);
        }

        @Put("/things/{thing_id}")
        public Map<String, Object> replace(int thingId) {
            return Map.of("replaced", thingId);
        }

        @Post("/only-post")
        public String onlyPost() {
            return "posted";
        }

        @Get("/slashed/")
        public String slashed() {
            return "slashed";
        }

        @Get("/files/{file_path:path}")
        public Map<String, Object> file(String filePath) {
            return Map.of("file_path", filePath);
        }

        @Get("/files/{name}/meta")
        public Map<String, Object> meta(String name) {
            return Map.of("meta", name);
        }

        @Get("/")
        public Map<String, Object> root() {
            return Map.of("Hello", "World");
        }

        @Get("/café")
        public String cafe() {
            return "café";
        }
    }

    /** Routes that would match the other slash form of the paths above, were they let through. */
    public static final class Pages {
        @Get("/{page}")
        public String page(String page) {
            return page;
        }

        @Get("//admin")
        public String admin() {
            return "admin";
        }
    }

    private TestClient client;

    @BeforeAll
    void start() {
        client = TestClient.of(Coda.app().routes(new Users(), new Teams(), new Things()).build());
    }

    @AfterAll
    void stop() {
        client.close();
    }

    @Nested
    class WhichRouteAnswers {

        @Test
        void aLiteralSegmentWinsOverAPlaceholderWhateverTheDeclarationOrder() {
            assertThat(client.get("/users/me").json()).isEqualTo(Map.of("route", "me"));
            assertThat(client.get("/teams/all").json()).isEqualTo("all");
        }

        @Test
        void aPlaceholderTakesAnyOtherSegment() {
            assertThat(client.get("/users/42").json()).isEqualTo(Map.of("route", "by-id", "user_id", "42"));
            assertThat(client.get("/teams/red").json()).isEqualTo("team red");
        }

        @Test
        void aPlaceholderStillMatchesWhenTheLiteralBranchLeadsNowhere() {
            assertThat(client.get("/users/me/posts").json()).isEqualTo(Map.of("route", "posts", "user_id", "me"));
            assertThat(client.get("/users/me/settings").json()).isEqualTo(Map.of("route", "settings"));
        }

        @Test
        void aPlaceholderAnswersAMethodTheLiteralRouteDoesNotHave() {
            var response = client.delete("/users/me");

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.json()).isEqualTo(Map.of("route", "delete", "user_id", "me"));
        }

        @Test
        void theRootPathIsARouteLikeAnyOther() {
            var response = client.get("/");

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.json()).isEqualTo(Map.of("Hello", "World"));
        }

        @Test
        void aRestOfPathPlaceholderTakesTheRemainingSegmentsSlashesIncluded() {
            assertThat(client.get("/files/a/b/c.txt").json()).isEqualTo(Map.of("file_path", "a/b/c.txt"));
            assertThat(client.get("/files/readme").json()).isEqualTo(Map.of("file_path", "readme"));
        }

        @Test
        void aRestOfPathPlaceholderMayBeEmpty() {
            assertThat(client.get("/files/").json()).isEqualTo(Map.of("file_path", ""));
        }

        @Test
        void withoutItsSlashARestOfPathTemplateIsOnlyReachedThroughTheTrailingSlashRedirect() {
            var response = client.get("/files");

            assertThat(response.status()).isEqualTo(307);
            assertThat(response.header("location")).contains("/files/");
        }

        @Test
        void aSingleSegmentPlaceholderWinsOverARestOfPathPlaceholder() {
            assertThat(client.get("/files/x/meta").json()).isEqualTo(Map.of("meta", "x"));
        }

        @Test
        void pathSegmentsArePercentDecodedBeforeMatchingAndBinding() {
            assertThat(client.get("/things/%35").json()).isEqualTo(Map.of("thing_id", 5));
            assertThat(client.get("/users/a%20b").json()).isEqualTo(Map.of("route", "by-id", "user_id", "a b"));
            assertThat(client.get("/caf%C3%A9").json()).isEqualTo("café");
        }

        @Test
        void aPlusSignInAPathStaysAPlusSign() {
            assertThat(client.get("/users/a+b").json()).isEqualTo(Map.of("route", "by-id", "user_id", "a+b"));
        }
    }

    @Nested
    class NotFound {

        @Test
        void anUnknownPathIsA404WithFastApisJsonDetail() {
            var response = client.get("/nope");

            assertThat(response.status()).isEqualTo(404);
            assertThat(response.header("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
            assertThat(response.json()).isEqualTo(Map.of("detail", "Not Found"));
        }

        @Test
        void aPlaceholderNeverMatchesAnEmptySegment() {
            var response = client.get("/teams/");

            assertThat(response.status()).isEqualTo(404);
            assertThat(response.json()).isEqualTo(Map.of("detail", "Not Found"));
        }

        @Test
        void aPathLongerThanEveryTemplateIsNotFound() {
            assertThat(client.get("/users/1/posts/2").status()).isEqualTo(404);
            assertThat(client.get("/users/1/posts/2").json()).isEqualTo(Map.of("detail", "Not Found"));
        }

        @Test
        void everyMethodGetsTheSame404ForAnUnknownPath() {
            var response = client.post("/nope", Map.of("a", 1));

            assertThat(response.status()).isEqualTo(404);
            assertThat(response.json()).isEqualTo(Map.of("detail", "Not Found"));
            assertThat(response.header("allow")).isEmpty();
        }
    }

    @Nested
    class MethodNotAllowed {

        @Test
        void aKnownPathWithAnotherMethodIsA405WithJsonDetail() {
            var response = client.delete("/things/5");

            assertThat(response.status()).isEqualTo(405);
            assertThat(response.json()).isEqualTo(Map.of("detail", "Method Not Allowed"));
        }

        @Test
        void theAllowHeaderListsEveryMethodOfThePathSortedWithHeadForGet() {
            var response = client.delete("/things/5");

            assertThat(response.header("allow")).contains("GET, HEAD, PUT");
        }

        @Test
        void theAllowHeaderHasNoHeadWhenThePathHasNoGet() {
            var response = client.get("/only-post");

            assertThat(response.status()).isEqualTo(405);
            assertThat(response.header("allow")).contains("POST");
        }

        @Test
        void theAllowHeaderListsTheMethodsOfEveryRouteMatchingThePath() {
            // GET /users/me (literal) and GET, DELETE /users/{user_id} (placeholder) all match /users/me
            var response = client.request("PUT", "/users/me").send();

            assertThat(response.status()).isEqualTo(405);
            assertThat(response.header("allow")).contains("DELETE, GET, HEAD");
        }

        @Test
        void optionsIsNotAnsweredAutomatically() {
            var response = client.request("OPTIONS", "/things/5").send();

            assertThat(response.status()).isEqualTo(405);
            assertThat(response.header("allow")).contains("GET, HEAD, PUT");
        }
    }

    @Nested
    class TrailingSlash {

        @Test
        void aTrailingSlashIsRedirectedWith307ToThePathWithoutIt() {
            var response = client.get("/things/5/");

            assertThat(response.status()).isEqualTo(307);
            assertThat(response.header("location")).contains("/things/5");
            assertThat(response.bytes()).isEmpty();
        }

        @Test
        void aMissingTrailingSlashIsRedirectedWhenOnlyTheSlashedFormExists() {
            var response = client.get("/slashed");

            assertThat(response.status()).isEqualTo(307);
            assertThat(response.header("location")).contains("/slashed/");
        }

        @Test
        void theRedirectKeepsTheQueryStringAndThePercentEncoding() {
            var response = client.get("/users/a%20b/?q=x%26y&r=1");

            assertThat(response.status()).isEqualTo(307);
            assertThat(response.header("location")).contains("/users/a%20b?q=x%26y&r=1");
        }

        @Test
        void theRedirectHappensForEveryMethodTheOtherFormKnows() {
            var response = client.put("/things/5/", Map.of());

            assertThat(response.status()).isEqualTo(307);
            assertThat(response.header("location")).contains("/things/5");
        }

        @Test
        void theLocationIsRelativeSoAHostHeaderTheClientChoseIsNotEchoed() {
            // Starlette builds an absolute URL on the Host header: a cache keyed without it would send others there
            var response = client.request("GET", "/things/5/").header("host", "evil.example").send();

            assertThat(response.status()).isEqualTo(307);
            assertThat(response.header("location")).contains("/things/5");
        }

        @Test
        void aPathThatWouldMakeARelativeLocationNameAnotherHostIsRefusedByJettyBeforeRouting() {
            // A Location "//admin" or "/\admin" is the host "admin" to a browser; Jetty answers such paths 400 itself
            try (var pages = TestClient.of(Coda.app().routes(new Pages()).build())) {
                assertThat(pages.get("/intro/").header("location")).contains("/intro");

                assertThat(pages.get("//admin/").status()).isEqualTo(400);
                assertThat(pages.get("/\\admin/").status()).isEqualTo(400);
            }
        }

        @Test
        void thereIsNoRedirectWhenTheOtherFormDoesNotExistEither() {
            var response = client.get("/nope/");

            assertThat(response.status()).isEqualTo(404);
            assertThat(response.header("location")).isEmpty();
        }

        @Test
        void theSlashedFormOfAnExistingRouteIsStillServedWhenDeclared() {
            assertThat(client.get("/slashed/").json()).isEqualTo("slashed");
        }
    }

    @Nested
    class Head {

        @Test
        void headIsAnsweredForGetRoutesWithTheSameHeadersAndNoBody() {
            var get = client.get("/things/5");
            var head = client.head("/things/5");

            assertThat(head.status()).isEqualTo(200);
            assertThat(head.bytes()).isEmpty();
            assertThat(head.header("content-length")).isEqualTo(get.header("content-length"));
            assertThat(head.header("content-length")).contains(String.valueOf(get.bytes().length));
            assertThat(head.header("content-type")).isEqualTo(get.header("content-type"));
        }

        @Test
        void headOnAPathWithoutGetIsA405WithoutBody() {
            var response = client.head("/only-post");

            assertThat(response.status()).isEqualTo(405);
            assertThat(response.header("allow")).contains("POST");
            assertThat(response.bytes()).isEmpty();
        }

        @Test
        void headOnAnUnknownPathIsA404WithoutBody() {
            var response = client.head("/nope");

            assertThat(response.status()).isEqualTo(404);
            assertThat(response.bytes()).isEmpty();
        }
    }

    /** The same answers through a real socket and Java's HTTP client. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class OverTheNetwork {

        private TestClient network;

        @BeforeAll
        void start() {
            network = TestClient.overNetwork(Coda.app().routes(new Things()).build());
        }

        @AfterAll
        void stop() {
            network.close();
        }

        @Test
        void theRedirectLocationIsRelativeWhateverHostHeaderComes() throws Exception {
            try (var connection = new RawHttp(network.baseUri().getPort())) {
                var reply = connection.send("GET /things/5/?q=a HTTP/1.1\r\nHost: evil.example\r\n\r\n").read();

                assertThat(reply.status()).isEqualTo(307);
                assertThat(reply.header("location")).isEqualTo("/things/5?q=a");
            }
        }

        @Test
        void headHasTheGetsContentLengthAndNoBody() {
            var get = network.get("/things/5");
            var head = network.head("/things/5");

            assertThat(head.status()).isEqualTo(200);
            assertThat(head.bytes()).isEmpty();
            assertThat(head.header("content-length")).contains(String.valueOf(get.bytes().length));
        }

        @Test
        void notFoundAndMethodNotAllowedKeepTheirJsonShape() {
            assertThat(network.get("/nope").json()).isEqualTo(Map.of("detail", "Not Found"));

            var response = network.delete("/things/5");

            assertThat(response.status()).isEqualTo(405);
            assertThat(response.header("allow")).contains("GET, HEAD, PUT");
            assertThat(response.json()).isEqualTo(Map.of("detail", "Method Not Allowed"));
        }
    }
}
