package dev.coda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coda.testing.TestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FastAPI's root_path: routes stay where they are, the URLs the app builds carry the prefix. */
class RootPathTest {

    public static final class Routes {
        @Get("/items/")
        public Map<String, String> items(Request request) {
            return Map.of("url", request.url().toString(), "root", request.rootPath());
        }
    }

    private static TestClient client(Coda.Builder app) {
        return TestClient.of(app.routes(new Routes()).build());
    }

    @Test
    void the_document_has_the_root_path_as_its_first_server_as_fastapi() {
        try (var client = client(Coda.app().rootPath("/api/v1").openapi(o -> o.server("https://prod.example.com", "Production")))) {
            var document = client.get("/openapi.json").text();
            assertThat(document).contains("\"servers\":[{\"url\":\"/api/v1\"},{\"url\":\"https://prod.example.com\",\"description\":\"Production\"}]");
        }
        try (var client = client(Coda.app().rootPath("/api/v1").rootPathInServers(false))) {
            assertThat(client.get("/openapi.json").text()).doesNotContain("servers");
        }
        try (var client = client(Coda.app().rootPath("/api/v1/").openapi(o -> o.server("/api/v1", "Here")))) {
            assertThat(client.get("/openapi.json").text()).contains("\"servers\":[{\"url\":\"/api/v1\",\"description\":\"Here\"}]");
        }
    }

    @Test
    void the_docs_pages_load_the_document_and_their_files_below_the_root_path() {
        try (var client = client(Coda.app().rootPath("/api/v1"))) {
            var page = client.get("/docs").text();
            assertThat(page).contains("/api/v1/openapi.json").contains("/api/v1/docs/oauth2-redirect")
                    .contains("/api/v1/docs/assets/");
            assertThat(client.get("/redoc").text()).contains("/api/v1/openapi.json");
        }
    }

    @Test
    void the_request_url_and_slash_redirects_carry_the_root_path() {
        try (var client = client(Coda.app().rootPath("/api/v1"))) {
            var redirect = client.request("GET", "/items?x=1").send();
            assertThat(redirect.status()).isEqualTo(307);
            assertThat(redirect.header("Location")).contains("/api/v1/items/?x=1");
            assertThat(client.get("/items/").json()).isEqualTo(Map.of("url", "http://testserver/api/v1/items/", "root", "/api/v1"));
        }
    }

    @Test
    void a_static_directory_redirect_carries_the_root_path(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("guide"));
        Files.writeString(dir.resolve("guide/index.html"), "<h1>guide</h1>");
        try (var client = TestClient.of(Coda.app().rootPath("/site").staticFiles("/static", StaticFiles.directory(dir).html(true)).build())) {
            var reply = client.get("/static/guide");
            assertThat(reply.status()).isEqualTo(307);
            assertThat(reply.header("Location")).contains("/site/static/guide/");
        }
    }
}
