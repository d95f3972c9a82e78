package dev.coda.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coda.testing.TestClient;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** FastAPI's {@code tests/test_tutorial/test_bigger_applications}: the routers' dependencies run, in order, for their routes. */
class BiggerApplicationsTest {

    private final TestClient client = TestClient.of(BiggerApplications.app());

    @AfterEach
    void close() {
        client.close();
    }

    @Test
    void theAppWideQueryTokenIsRequiredEverywhere() {
        assertThat(client.get("/users/?token=jessica").json()).isEqualTo(
                java.util.List.of(Map.of("username", "Rick"), Map.of("username", "Morty")));
        var missing = client.get("/users/");
        assertThat(missing.status()).isEqualTo(422);
        assertThat(missing.text()).contains("\"loc\":[\"query\",\"token\"]");
        assertThat(client.get("/?token=monica").json()).isEqualTo(Map.of("detail", "No Jessica token provided"));
    }

    @Test
    void theItemsRoutersPrefixAndHeaderDependencyApply() {
        var ok = client.request("GET", "/items/plumbus?token=jessica").header("X-Token", "fake-super-secret-token").send();
        assertThat(ok.json()).isEqualTo(Map.of("name", "Plumbus", "item_id", "plumbus"));
        var badHeader = client.request("GET", "/items/plumbus?token=jessica").header("X-Token", "wrong").send();
        assertThat(badHeader.status()).isEqualTo(400);
        assertThat(badHeader.json()).isEqualTo(Map.of("detail", "X-Token header invalid"));
        var bothMissing = client.get("/items/plumbus");
        assertThat(bothMissing.status()).isEqualTo(422);
        assertThat(bothMissing.text()).contains("[\"query\",\"token\"]", "[\"header\",\"x-token\"]");
        assertThat(client.get("/plumbus?token=jessica").status()).isEqualTo(404);      // only under the prefix
    }

    @Test
    void theAdminRouterGetsItsPrefixAndDependencyWhereItIsIncluded() {
        var ok = client.request("POST", "/admin/?token=jessica").header("X-Token", "fake-super-secret-token").send();
        assertThat(ok.json()).isEqualTo(Map.of("message", "Admin getting schwifty"));
        assertThat(client.request("POST", "/admin/?token=jessica").send().status()).isEqualTo(422);
    }
}
