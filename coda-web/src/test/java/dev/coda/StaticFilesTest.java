package dev.coda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coda.testing.TestClient;
import dev.coda.testing.TestResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Static mounts: files, caching headers, html and SPA modes, a class-path folder, a directory that appears after the
 * start, the app's routes winning over a mount, and every way out of the root that Starlette's {@code StaticFiles}
 * guards against.
 */
class StaticFilesTest {

    private static final String SECRET = "TOP SECRET";

    @TempDir
    Path tmp;

    private Path root;
    private TestClient client;

    public static final class Routes {
        @Get("/static/special")
        public Map<String, String> special() {
            return Map.of("from", "route");
        }

        @Get("/hello")
        public Map<String, String> hello() {
            return Map.of("hello", "world");
        }
    }

    @BeforeEach
    void start() throws IOException {
        root = Files.createDirectory(tmp.resolve("root"));
        Files.writeString(tmp.resolve("secret.txt"), SECRET);
        Files.writeString(root.resolve("hello.txt"), "hello");
        Files.writeString(root.resolve("special"), "from the mount");
        Files.createDirectories(root.resolve("docs"));
        Files.writeString(root.resolve("docs/index.html"), "<h1>docs</h1>");
        Files.writeString(root.resolve("index.html"), "<h1>home</h1>");
        Files.createDirectories(root.resolve("empty"));
        client = TestClient.of(Coda.app().routes(new Routes())
                .staticFiles("/static", root)
                .staticFiles("/site", StaticFiles.directory(root).html(true))
                .staticFiles("/app", StaticFiles.directory(root).spa(true))
                .staticFiles("/cp", StaticFiles.classpath("static-test").html(true))
                .staticFiles("/later", StaticFiles.directory(tmp.resolve("later")).checkDir(false))
                .staticFiles("/outside-ok", StaticFiles.directory(root).followSymlinks(true))
                .build());
    }

    @AfterEach
    void stop() {
        client.close();
    }

    @Test
    void aFileIsServedWithItsTypeAndCachingHeaders() {
        var response = client.get("/static/hello.txt");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.text()).isEqualTo("hello");
        assertThat(response.header("Content-Type")).hasValue("text/plain;charset=utf-8");
        assertThat(response.header("ETag")).isPresent();
        assertThat(response.header("Last-Modified")).isPresent();
        var etag = response.header("ETag").orElseThrow();
        assertThat(client.request("GET", "/static/hello.txt").header("If-None-Match", etag).send().status()).isEqualTo(304);
        assertThat(client.request("GET", "/static/hello.txt").header("Range", "bytes=1-2").send().text()).isEqualTo("el");
        assertThat(client.head("/static/hello.txt").header("Content-Length")).hasValue("5");
    }

    @Test
    void whatIsMissingIsFastApisNotFound() {
        for (var path : new String[] {"/static/nothing.txt", "/static/docs", "/static/docs/", "/static/", "/static/hello.txt/"}) {
            var response = client.get(path);
            assertThat(response.status()).as(path).isEqualTo(404);
            assertThat(response.json()).as(path).isEqualTo(Map.of("detail", "Not Found"));
        }
    }

    @Test
    void theMountAnswersOnlyGetAndHead() {
        var response = client.request("POST", "/static/hello.txt").send();

        assertThat(response.status()).isEqualTo(405);
        assertThat(response.header("Allow")).hasValue("GET, HEAD");
    }

    @Test
    void theAppsRoutesWinOverAMount() {
        assertThat(client.get("/static/special").json()).isEqualTo(Map.of("from", "route"));
    }

    @Test
    void htmlModeServesIndexHtmlAtTheSlashAndRedirectsToIt() {
        assertThat(client.get("/site/").text()).isEqualTo("<h1>home</h1>");
        assertThat(client.get("/site/docs/").text()).isEqualTo("<h1>docs</h1>");
        assertThat(client.get("/site/docs/").header("Content-Type")).hasValue("text/html;charset=utf-8");
        var redirect = client.get("/site/docs?x=1");
        assertThat(redirect.status()).isEqualTo(307);
        assertThat(redirect.header("Location")).hasValue("/site/docs/?x=1");
        assertThat(client.get("/site/empty/").status()).isEqualTo(404);
        assertThat(client.get("/site").status()).isEqualTo(307);          // to /site/, the router's other slash form
    }

    @Test
    void htmlModeSends404HtmlWhenThereIsOne() throws IOException {
        Files.writeString(root.resolve("404.html"), "<h1>lost</h1>");

        var response = client.get("/site/nothing");

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.text()).isEqualTo("<h1>lost</h1>");
        assertThat(client.get("/static/nothing").json()).isEqualTo(Map.of("detail", "Not Found"));
    }

    @Test
    void spaModeFallsBackToIndexHtmlForPathsWithoutAnExtension() {
        assertThat(client.get("/app/").text()).isEqualTo("<h1>home</h1>");
        assertThat(client.get("/app/users/42/settings").text()).isEqualTo("<h1>home</h1>");
        assertThat(client.get("/app/users/42/settings").status()).isEqualTo(200);
        assertThat(client.get("/app/hello.txt").text()).isEqualTo("hello");
        var missingAsset = client.get("/app/missing.js");
        assertThat(missingAsset.status()).isEqualTo(404);
        assertThat(missingAsset.json()).isEqualTo(Map.of("detail", "Not Found"));
    }

    @Test
    void aClassPathFolderIsServedToo() {
        assertThat(client.get("/cp/site.css").text()).isEqualTo("body { color: red; }\n");
        assertThat(client.get("/cp/site.css").header("Content-Type")).hasValue("text/css;charset=utf-8");
        assertThat(client.get("/cp/sub/a.txt").text()).isEqualTo("sub file\n");
        assertThat(client.get("/cp/").text()).isEqualTo("<h1>cp index</h1>\n");
        assertThat(client.get("/cp/nothing.css").status()).isEqualTo(404);
        assertThat(client.get("/cp/../dev/coda/StaticFilesTest.class").status()).isIn(400, 404);
        assertThat(client.get("/cp/..%2fdev%2fcoda%2fStaticFilesTest.class").status()).isIn(400, 404);
    }

    @Test
    void aDirectoryMissingAtStartMayAppearLater() throws IOException {
        assertThat(client.get("/later/a.txt").status()).isEqualTo(404);

        Files.createDirectory(tmp.resolve("later"));
        Files.writeString(tmp.resolve("later/a.txt"), "appeared");

        assertThat(client.get("/later/a.txt").text()).isEqualTo("appeared");
    }

    @Test
    void aMissingDirectoryFailsTheBuildUnlessAllowed() {
        var missing = tmp.resolve("nowhere");
        assertThatThrownBy(() -> Coda.app().staticFiles("/static", missing).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("static files at /static: the directory " + missing + " does not exist")
                .hasMessageContaining("checkDir(false)");
    }

    /**
     * Jetty refuses an ambiguous path (encoded dots, slashes or backslashes, {@code %25}, empty segments) with a 400
     * before routing; what it lets through, the mount refuses itself ({@code ..} and {@code .} segments: a 404).
     */
    @ParameterizedTest
    @CsvSource({
        "/static/../secret.txt, 404",
        "/static/docs/../../secret.txt, 404",
        "/static/./hello.txt, 404",
        "/static/%2e%2e/secret.txt, 400",
        "/static/%2E%2E/secret.txt, 400",
        "/static/.%2e/secret.txt, 400",
        "/static/%2e/hello.txt, 400",
        "/static/..%2fsecret.txt, 400",
        "/static/..%2Fsecret.txt, 400",
        "/static/%2e%2e%2fsecret.txt, 400",
        "/static/docs/..%2f..%2fsecret.txt, 400",
        "/static/%252e%252e/secret.txt, 400",
        "/static/%252e%252e%252fsecret.txt, 400",
        "/static/..%5csecret.txt, 400",
        "/static/..\\secret.txt, 400",
        "/static//secret.txt, 400",
    })
    void noPathLeadsOutOfTheRoot(String path, int status) {
        var response = client.get(path);

        assertThat(response.status()).isEqualTo(status);
        assertThat(response.json()).isEqualTo(Map.of("detail", status == 400 ? "Bad Request" : "Not Found"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/static/hello.txt%00.png", "/static/%00", "/static/..%00/secret.txt"})
    void aNulByteIsRefusedOverTheNetwork(String path) throws IOException {
        try (var network = TestClient.overNetwork(Coda.app().staticFiles("/static", root).build());
             var raw = new RawHttp(network.baseUri().getPort())) {
            var reply = raw.send("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").read();

            assertThat(reply.status()).isIn(400, 404);
            assertThat(reply.body()).doesNotContain(SECRET).doesNotContain("hello").startsWith("{\"detail\":");
        }
    }

    @Test
    void aSymlinkLeadingOutsideTheRootIsRefusedUnlessFollowed() throws IOException {
        Files.createSymbolicLink(root.resolve("out.txt"), tmp.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("outdir"), tmp);
        Files.createSymbolicLink(root.resolve("in.txt"), root.resolve("hello.txt"));

        assertThat(client.get("/static/out.txt").status()).isEqualTo(404);
        assertThat(client.get("/static/outdir/secret.txt").status()).isEqualTo(404);
        assertThat(client.get("/static/in.txt").text()).isEqualTo("hello");
        assertThat(client.get("/outside-ok/out.txt").text()).isEqualTo(SECRET);
    }

    @Test
    void mountsAreNotInTheOpenApiDocument() {
        var document = new String(client.get("/openapi.json").bytes(), StandardCharsets.UTF_8);

        assertThat(document).contains("/hello").doesNotContain("/site").doesNotContain("{path}").doesNotContain("/cp");
    }
}
