package dev.coda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coda.tasks.BackgroundTasks;
import dev.coda.testing.TestClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

/** FastAPI's sub-applications (app.mount("/subapi", subapi)) and Jetty handlers under a prefix. */
class MountTest {

    public static final class Main {
        @Get("/app")
        public Map<String, String> app() {
            return Map.of("message", "Hello World from main app");
        }
    }

    public static final class Sub {
        static final CountDownLatch RAN = new CountDownLatch(1);

        @Get("/sub")
        public Map<String, String> sub(Request request) {
            return Map.of("message", "Hello World from sub API", "url", request.url().toString());
        }

        @Post("/work")
        public Map<String, String> work(BackgroundTasks tasks) {
            tasks.addTask(RAN::countDown);
            return Map.of("queued", "yes");
        }
    }

    private static Coda.Builder parent() {
        return Coda.app().routes(new Main()).mount("/subapi", Coda.app().routes(new Sub()).build());
    }

    @Test
    void the_sub_app_answers_below_its_prefix_and_the_main_app_elsewhere() {
        try (var client = TestClient.of(parent().build())) {
            assertThat(client.get("/app").json()).isEqualTo(Map.of("message", "Hello World from main app"));
            assertThat(client.get("/subapi/sub").json())
                    .isEqualTo(Map.of("message", "Hello World from sub API", "url", "http://testserver/subapi/sub"));
            assertThat(client.get("/sub").status()).isEqualTo(404);
        }
    }

    @Test
    void the_sub_app_serves_its_own_document_with_its_prefix_as_server_and_its_docs() {
        try (var client = TestClient.of(parent().build())) {
            var document = client.get("/subapi/openapi.json").text();
            assertThat(document).contains("\"servers\":[{\"url\":\"/subapi\"}]").contains("\"/sub\"").doesNotContain("\"/app\"");
            assertThat(client.get("/openapi.json").text()).contains("\"/app\"").doesNotContain("\"/sub\"").doesNotContain("servers");
            assertThat(client.get("/subapi/docs").text()).contains("/subapi/openapi.json").contains("/subapi/docs/oauth2-redirect");
        }
    }

    @Test
    void an_unknown_path_below_the_prefix_gets_the_sub_app_s_404_and_the_bare_prefix_a_redirect() {
        try (var client = TestClient.of(parent().build())) {
            var missing = client.get("/subapi/nothing");
            assertThat(missing.status()).isEqualTo(404);
            assertThat(missing.json()).isEqualTo(Map.of("detail", "Not Found"));
            var bare = client.request("GET", "/subapi?x=1").send();
            assertThat(bare.status()).isEqualTo(307);
            assertThat(bare.header("Location")).contains("/subapi/?x=1");
        }
    }

    @Test
    void the_sub_app_s_background_tasks_run() throws InterruptedException {
        try (var client = TestClient.of(parent().build())) {
            assertThat(client.post("/subapi/work").status()).isEqualTo(200);
            assertThat(Sub.RAN.await(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void under_a_root_path_the_sub_app_s_urls_carry_both_prefixes() {
        try (var client = TestClient.of(parent().rootPath("/api").build())) {
            assertThat(client.get("/subapi/openapi.json").text()).contains("\"servers\":[{\"url\":\"/api/subapi\"}]");
        }
    }

    @Test
    void a_jetty_handler_gets_the_requests_below_its_prefix_without_it() {
        var handler = new Handler.Abstract() {
            @Override
            public boolean handle(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response, Callback callback) {
                response.setStatus(200);
                response.write(true, ByteBuffer.wrap(("raw " + request.getHttpURI().getPath()).getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
        };
        try (var client = TestClient.of(Coda.app().routes(new Main()).mount("/raw", handler).build())) {
            assertThat(client.get("/raw/a/b").text()).isEqualTo("raw /a/b");
            assertThat(client.get("/app").status()).isEqualTo(200);
        }
    }

    @Test
    void a_mount_that_would_hide_a_route_docs_or_another_mount_is_refused_at_build() {
        var sub = Coda.app().routes(new Sub()).build();
        assertThatThrownBy(() -> Coda.app().routes(new Main()).mount("/app", sub).build())
                .hasMessageContaining("the mount at /app conflicts with the route GET /app");
        assertThatThrownBy(() -> Coda.app().routes(new Main()).mount("/docs", sub).build())
                .hasMessageContaining("the mount at /docs conflicts with the docs at /docs");
        assertThatThrownBy(() -> Coda.app().routes(new Main()).mount("/a", sub).mount("/a/b", sub).build())
                .hasMessageContaining("the mount at /a/b conflicts with a mount at /a");
        assertThatThrownBy(() -> Coda.app().mount("/a", sub).mount("/a/", sub)).hasMessageContaining("two mounts");
    }

    public record Greeting(String text) {
    }

    public static final class Greets {
        @Get("/hello")
        public Map<String, String> hello(Greeting greeting) {
            return Map.of("text", greeting.text());
        }
    }

    @Test
    void the_sub_app_s_resources_and_hooks_open_and_close_with_the_app_it_is_mounted_in() {
        var events = new java.util.concurrent.CopyOnWriteArrayList<String>();
        var sub = Coda.app().routes(new Greets()).resource(Greeting.class, () -> new Greeting("from the sub-app"))
                .onStartup(() -> events.add("sub started")).onShutdown(() -> events.add("sub stopped")).build();
        var app = Coda.app().routes(new Main()).onStartup(() -> events.add("main started"))
                .onShutdown(() -> events.add("main stopped")).mount("/sub", sub).build();
        try (var client = TestClient.of(app)) {
            assertThat(client.get("/sub/hello").json()).isEqualTo(Map.of("text", "from the sub-app"));
            assertThat(events).containsExactly("main started", "sub started");
        }
        assertThat(events).containsExactly("main started", "sub started", "sub stopped", "main stopped");
    }

    @Test
    void a_sub_app_with_task_settings_of_its_own_is_refused() {
        var sub = Coda.app().routes(new Sub()).backgroundTasks(t -> t.maxConcurrency(2)).build();
        assertThatThrownBy(() -> Coda.app().mount("/s", sub)).hasMessageContaining("configure them there");
    }
}
