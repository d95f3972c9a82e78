package dev.coda.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coda.Coda;
import dev.coda.Get;
import dev.coda.testing.TestClient;
import dev.coda.testing.TestResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Swagger UI at {@code /docs} and ReDoc at {@code /redoc}: the pages, the webjar files they load (from the app, never
 * another host), caching, what cannot be reached through the files' path, escaping, moving and turning them off.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DocsPagesTest {

    private static final Properties VERSIONS = versions();
    private static final String SWAGGER = "/docs/assets/" + VERSIONS.getProperty("swagger-ui") + "/";
    private static final String REDOC = "/redoc/assets/" + VERSIONS.getProperty("redoc") + "/";
    private static final Pattern LINKED = Pattern.compile("(?:src|href)=\"([^\"]*)\"");

    public static final class Routes {
        @Get("/")
        public Map<String, String> root() {
            return Map.of("Hello", "World");
        }
    }

    private TestClient client;

    @BeforeAll
    void start() {
        client = TestClient.of(Coda.app().routes(new Routes()).openapi(doc -> doc.title("Shop")).build());
    }

    @AfterAll
    void stop() {
        client.close();
    }

    @Test
    void docsIsFastApisSwaggerUiPageWithItsAssetsServedByTheApp() {
        var page = client.get("/docs");

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(page.text()).contains("<title>Shop - Swagger UI</title>", "url: \"/openapi.json\"", "\"dom_id\": \"#swagger-ui\"",
                "\"layout\": \"BaseLayout\"", "\"deepLinking\": true", "\"showExtensions\": true", "\"showCommonExtensions\": true",
                "oauth2RedirectUrl: window.location.origin + \"/docs/oauth2-redirect\"", "SwaggerUIBundle.presets.apis",
                "SwaggerUIBundle.SwaggerUIStandalonePreset");
        assertThat(links(page)).containsExactly(SWAGGER + "swagger-ui.css", SWAGGER + "favicon-32x32.png", SWAGGER + "favicon-16x16.png",
                SWAGGER + "swagger-ui-bundle.js");
        assertThat(page.text()).doesNotContain("http:", "https:", "//cdn");
        for (var link : links(page)) {
            assertThat(client.get(link).status()).as(link).isEqualTo(200);
        }
    }

    @Test
    void redocIsFastApisPageWithoutGoogleFontsAndWithTheBundleServedByTheApp() {
        var page = client.get("/redoc");

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(page.text()).contains("<title>Shop - ReDoc</title>", "<redoc spec-url=\"/openapi.json\"></redoc>");
        assertThat(links(page)).containsExactly("data:,", REDOC + "redoc.standalone.js");
        assertThat(page.text()).doesNotContain("http:", "https:", "fonts.googleapis");
        var bundle = client.get(REDOC + "redoc.standalone.js");
        assertThat(bundle.status()).isEqualTo(200);
        var original = new String(resource("redoc", "redoc.standalone.js"), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(original).contains("\"https://cdn.redoc.ly/redoc/logo-mini.svg\"");
        // the side menu's logo, ReDoc's one request to another host, is an empty image; nothing else differs
        assertThat(bundle.text()).doesNotContain("cdn.redoc.ly")
                .isEqualTo(original.replace("\"https://cdn.redoc.ly/redoc/logo-mini.svg\"", "\"data:,\""));
    }

    @Test
    void theOauth2RedirectPageRunsTheWebjarsScriptFromTheApp() {
        var page = client.get("/docs/oauth2-redirect");

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(links(page)).containsExactly(SWAGGER + "oauth2-redirect.js");
        var script = client.get(SWAGGER + "oauth2-redirect.js");
        assertThat(script.bytes()).isEqualTo(resource("swagger-ui", "oauth2-redirect.js")).isNotEmpty();
    }

    @Test
    void assetsHaveTheirMediaTypeTheWebjarsBytesAnEtagAndAYearOfCaching() {
        var expected = Map.of(
                "swagger-ui-bundle.js", "text/javascript; charset=utf-8",
                "swagger-ui.css", "text/css; charset=utf-8",
                "oauth2-redirect.js", "text/javascript; charset=utf-8",
                "favicon-32x32.png", "image/png",
                "favicon-16x16.png", "image/png");
        expected.forEach((file, type) -> {
            var response = client.get(SWAGGER + file);

            assertThat(response.status()).as(file).isEqualTo(200);
            assertThat(response.header("content-type")).as(file).hasValue(type);
            assertThat(response.header("cache-control")).as(file).hasValue("public, max-age=31536000, immutable");
            assertThat(response.header("x-content-type-options")).as(file).hasValue("nosniff");
            assertThat(response.header("etag")).as(file).hasValueSatisfying(tag -> assertThat(tag).matches("\"[0-9a-f]{32}\""));
            assertThat(response.bytes()).as(file).isEqualTo(resource("swagger-ui", file));
        });
        assertThat(client.get(SWAGGER + "swagger-ui.css").header("etag")).isNotEqualTo(client.get(SWAGGER + "swagger-ui-bundle.js").header("etag"));
    }

    @Test
    void aClientThatHasAnAssetGetsA304WithoutBody() {
        var etag = client.get(SWAGGER + "swagger-ui.css").header("etag").orElseThrow();

        var again = client.request("GET", SWAGGER + "swagger-ui.css").header("If-None-Match", "\"other\", " + etag).send();

        assertThat(again.status()).isEqualTo(304);
        assertThat(again.bytes()).isEmpty();
        assertThat(again.header("etag")).hasValue(etag);
        assertThat(again.header("cache-control")).hasValue("public, max-age=31536000, immutable");
        assertThat(client.request("GET", SWAGGER + "swagger-ui.css").header("If-None-Match", "\"other\"").send().status()).isEqualTo(200);
        assertThat(client.request("GET", REDOC + "redoc.standalone.js").header("If-None-Match", etag).send().status())
                .as("another file's tag").isEqualTo(200);
    }

    @Test
    void headAnswersLikeGetWithoutTheBody() {
        var get = client.get(SWAGGER + "swagger-ui.css");
        var head = client.head(SWAGGER + "swagger-ui.css");

        assertThat(head.status()).isEqualTo(200);
        assertThat(head.bytes()).isEmpty();
        assertThat(head.header("content-length")).hasValue(String.valueOf(get.bytes().length));
        assertThat(head.header("etag")).isEqualTo(get.header("etag"));
        assertThat(client.head("/docs").status()).isEqualTo(200);
        assertThat(client.head("/redoc").header("content-type")).hasValue("text/html; charset=utf-8");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "index.html",                              // a file of the webjar that is not served
        "swagger-initializer.js",                  // the webjar's own page setup, pointing at the petstore
        "swagger-ui.css.gz",
        "SWAGGER-UI.CSS",
        "..",
        "",
    })
    void onlyTheKnownFilesAreServedAnythingElseIsAFastApiNotFound(String file) {
        var response = client.get(SWAGGER + file);

        assertThat(response.status()).as(file).isEqualTo(404);
        assertThat(response.json()).as(file).isEqualTo(Map.of("detail", "Not Found"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "..%2F..%2F..%2F..%2Fwebjars.properties",
        "..%2f..%2fdev%2fcoda%2fCoda.class",
        "%2e%2e%2f%2e%2e%2fMETA-INF%2fMANIFEST.MF",
        "%2Fetc%2Fpasswd",                          // an absolute path, encoded
        "%2e%2e",
    })
    void encodedSlashesAndDotSegmentsAreRefusedBeforeRouting(String file) {
        var response = client.get(SWAGGER + file);

        // the server refuses ambiguous paths for every route (Jetty's URI compliance), with a JSON error as everywhere
        assertThat(response.status()).as(file).isEqualTo(400);
        assertThat(response.json()).as(file).isEqualTo(Map.of("detail", "Bad Request"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/docs/assets/0.0.1/swagger-ui.css",       // another version
        "/docs/assets/swagger-ui.css",
        "/docs/swagger-ui.css",
        "/docs/assets/{version}/../../../pom.xml",
        "/docs/assets/{version}/../../redoc/assets/x/redoc.standalone.js",
        "/docs/assets/{version}/dev/coda/Coda.class",
        "/docs/assets/{version}//etc/passwd",
        "/docs/assets/{version}/META-INF/MANIFEST.MF",
        "/redoc/assets/{redoc}/swagger-ui.css",     // the other webjar's file
        "/webjars/swagger-ui/{version}/swagger-ui.css",
        "/META-INF/resources/webjars/swagger-ui/{version}/swagger-ui.css",
    })
    void noOtherPathReachesAClassPathResource(String template) {
        var path = template.replace("{version}", VERSIONS.getProperty("swagger-ui")).replace("{redoc}", VERSIONS.getProperty("redoc"));

        var response = client.get(path);

        assertThat(response.status()).as(path).isIn(400, 404);
        assertThat(response.json()).as(path).isInstanceOfSatisfying(Map.class, body -> assertThat(body).containsKey("detail"));
        assertThat(response.text()).as(path).doesNotContain("swagger-ui", "<project", "Manifest-Version", "root:");
    }

    @Test
    void theTitleAndUrlsAreEscapedWhereverTheyAreInserted() {
        var title = "</title></script><script>alert('t')</script> & \"x\"";
        var app = Coda.app().routes(new Routes()).openapi(doc -> doc.title(title))
                .openapiUrl("/o'pen</script><script>alert(1)</script>.json").docsUrl("/d\"ocs").redocUrl("/re<doc>").build();
        try (var escaped = TestClient.of(app)) {
            var docs = escaped.get("/d%22ocs");
            var redoc = escaped.get("/re%3Cdoc%3E");

            assertThat(docs.status()).isEqualTo(200);
            assertThat(docs.text()).contains("<title>&lt;/title&gt;&lt;/script&gt;&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt; &amp; &quot;x&quot; - Swagger UI</title>")
                    .contains("url: \"/o\\u0027pen\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e.json\"")
                    .contains("href=\"/d&quot;ocs/assets/")
                    .contains("window.location.origin + \"/d\\u0022ocs/oauth2-redirect\"");
            assertThat(count(docs.text(), "<script")).isEqualTo(2);
            assertThat(count(docs.text(), "</script>")).isEqualTo(2);
            assertThat(docs.text()).doesNotContain(title);
            assertThat(redoc.status()).isEqualTo(200);
            assertThat(redoc.text()).contains("<title>&lt;/title&gt;&lt;/script&gt;")
                    .contains("<redoc spec-url=\"/o&#39;pen&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;.json\"></redoc>")
                    .contains("src=\"/re&lt;doc&gt;/assets/");
            assertThat(count(redoc.text(), "<script")).isEqualTo(1);
            assertThat(escaped.get("/o'pen%3C/script%3E%3Cscript%3Ealert(1)%3C/script%3E.json").status()).isEqualTo(200);
        }
    }

    @Test
    void thePagesAndTheirAssetsMoveWithTheirUrls() {
        try (var moved = TestClient.of(Coda.app().routes(new Routes()).openapiUrl("/api/openapi.json").docsUrl("/api/ui/")
                .redocUrl("/api/reference").build())) {
            var docs = moved.get("/api/ui/");

            assertThat(docs.status()).isEqualTo(200);
            assertThat(docs.text()).contains("url: \"/api/openapi.json\"", "\"/api/ui/oauth2-redirect\"");
            for (var link : links(docs)) {
                assertThat(link).startsWith("/api/ui/assets/");
                assertThat(moved.get(link).status()).as(link).isEqualTo(200);
            }
            assertThat(moved.get("/api/ui/oauth2-redirect").status()).isEqualTo(200);
            assertThat(moved.get("/api/reference").text()).contains("spec-url=\"/api/openapi.json\"");
            assertThat(links(moved.get("/api/reference"))).last().satisfies(link -> assertThat(moved.get(link).status()).isEqualTo(200));
            assertThat(moved.get("/docs").status()).isEqualTo(404);
            assertThat(moved.get("/redoc").status()).isEqualTo(404);
            assertThat(moved.get(SWAGGER + "swagger-ui.css").status()).isEqualTo(404);
        }
    }

    @Test
    void aPageWhoseUrlIsNullIsNotServedNorAreItsFiles() {
        try (var noDocs = TestClient.of(Coda.app().routes(new Routes()).docsUrl(null).build())) {
            assertThat(statuses(noDocs, "/docs", "/docs/oauth2-redirect", SWAGGER + "swagger-ui.css", "/redoc", REDOC + "redoc.standalone.js"))
                    .containsExactly(404, 404, 404, 200, 200);
            assertThat(noDocs.get("/docs").json()).isEqualTo(Map.of("detail", "Not Found"));
        }
        try (var noRedoc = TestClient.of(Coda.app().routes(new Routes()).redocUrl(null).build())) {
            assertThat(statuses(noRedoc, "/docs", "/docs/oauth2-redirect", SWAGGER + "swagger-ui.css", "/redoc", REDOC + "redoc.standalone.js"))
                    .containsExactly(200, 200, 200, 404, 404);
        }
    }

    @Test
    void withoutADocumentThereAreNoPages() {
        try (var none = TestClient.of(Coda.app().routes(new Routes()).openapiUrl(null).docsUrl("/docs").redocUrl("/redoc").build())) {
            assertThat(statuses(none, "/openapi.json", "/docs", "/docs/oauth2-redirect", SWAGGER + "swagger-ui.css", "/redoc",
                    REDOC + "redoc.standalone.js")).containsOnly(404);
        }
    }

    @Test
    void thePagesAreNotInTheDocument() throws IOException {
        var document = new ObjectMapper().readTree(Coda.app().routes(new Routes()).build().openapi());

        var paths = new ArrayList<String>();
        document.path("paths").fieldNames().forEachRemaining(paths::add);
        assertThat(paths).noneMatch(path -> path.startsWith("/docs") || path.startsWith("/redoc") || path.startsWith("/openapi"));
    }

    @Test
    void anAppRouteAtAPagesPathIsReportedAtBuild() {
        final class Clash {
            @Get("/docs")
            public String mine() {
                return "";
            }
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Coda.app().routes(new Clash()).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("/docs");
        assertThat(Coda.app().routes(new Clash()).docsUrl(null).build()).isNotNull();
    }

    private static List<String> links(TestResponse page) {
        var out = new ArrayList<String>();
        var m = LINKED.matcher(page.text());
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static List<Integer> statuses(TestClient client, String... paths) {
        return java.util.Arrays.stream(paths).map(path -> client.get(path).status()).toList();
    }

    private static int count(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }

    private static byte[] resource(String webjar, String file) {
        var name = "META-INF/resources/webjars/" + webjar + "/" + VERSIONS.getProperty(webjar) + "/" + file;
        try (InputStream in = DocsPagesTest.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Properties versions() {
        var properties = new Properties();
        try (InputStream in = DocsPagesTest.class.getResourceAsStream("/dev/coda/internal/docs/webjars.properties")) {
            properties.load(in);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return properties;
    }

}
