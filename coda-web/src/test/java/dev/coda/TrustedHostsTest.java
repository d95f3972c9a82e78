package dev.coda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coda.testing.TestClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Starlette's TrustedHostMiddleware and HTTPSRedirectMiddleware, answer for answer. */
class TrustedHostsTest {

    public static final class Routes {
        @Get("/items")
        public Map<String, String> items() {
            return Map.of("ok", "yes");
        }
    }

    private static TestClient client(Coda.Builder app) {
        return TestClient.of(app.routes(new Routes()).build());
    }

    @Test
    void allowed_hosts_and_wildcard_subdomains_are_served_others_get_400() {
        try (var client = client(Coda.app().trustedHosts("example.com", "*.example.org"))) {
            assertThat(client.request("GET", "/items").header("Host", "example.com").send().status()).isEqualTo(200);
            assertThat(client.request("GET", "/items").header("Host", "example.com:8000").send().status()).isEqualTo(200);
            assertThat(client.request("GET", "/items").header("Host", "api.example.org").send().status()).isEqualTo(200);
            var refused = client.request("GET", "/items").header("Host", "evil.com").send();
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.text()).isEqualTo("Invalid host header");
            assertThat(refused.header("Content-Type")).contains("text/plain; charset=utf-8");
        }
    }

    @Test
    void a_request_without_a_host_header_is_refused_whatever_address_it_reached() throws java.io.IOException {
        try (var server = Coda.app().routes(new Routes()).trustedHosts("127.0.0.1", "localhost").host("127.0.0.1").port(0).start();
             var http = new RawHttp(server.port())) {
            var reply = http.send("GET /items HTTP/1.0\r\n\r\n").read(false);
            assertThat(reply.status()).isEqualTo(400);
            assertThat(reply.body()).isEqualTo("Invalid host header");
        }
    }

    @Test
    void a_star_allows_every_host() {
        try (var client = client(Coda.app().trustedHosts("*"))) {
            assertThat(client.request("GET", "/items").header("Host", "anything.test").send().status()).isEqualTo(200);
        }
    }

    @Test
    void the_bare_domain_is_redirected_to_its_www_host_unless_turned_off() {
        try (var client = client(Coda.app().trustedHosts("www.example.com"))) {
            var reply = client.request("GET", "/items?x=1").header("Host", "example.com").send();
            assertThat(reply.status()).isEqualTo(307);
            assertThat(reply.header("Location")).contains("http://www.example.com/items?x=1");
        }
        try (var client = client(Coda.app().trustedHosts(List.of("www.example.com"), false))) {
            assertThat(client.request("GET", "/items").header("Host", "example.com").send().status()).isEqualTo(400);
        }
    }

    @Test
    void a_wildcard_anywhere_but_a_leading_subdomain_is_refused() {
        assertThatThrownBy(() -> Coda.app().trustedHosts("*example.com")).hasMessageContaining("*.example.com");
        assertThatThrownBy(() -> Coda.app().trustedHosts("api.*.com")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void https_redirect_is_a_307_to_the_same_url_with_default_ports_dropped() {
        try (var client = client(Coda.app().httpsRedirect(true))) {
            var reply = client.request("POST", "/items?x=1").header("Host", "example.com:80").send();
            assertThat(reply.status()).isEqualTo(307);
            assertThat(reply.header("Location")).contains("https://example.com/items?x=1");
            var otherPort = client.request("GET", "/items").header("Host", "example.com:8080").send();
            assertThat(otherPort.header("Location")).contains("https://example.com:8080/items");
        }
    }
}
