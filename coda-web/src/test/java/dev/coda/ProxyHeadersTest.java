package dev.coda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Forwarded headers over real sockets: the test's own connections come from 127.0.0.1, a trusted proxy or not
 * depending on the trust list, so what the route sees changes only when 127.0.0.1 is trusted.
 */
class ProxyHeadersTest {

    public static final class Seen {
        @Get("/seen")
        public Map<String, String> seen(Request request) {
            return Map.of("client", request.remoteAddress().substring(0, request.remoteAddress().lastIndexOf(':')),
                    "url", request.url().toString());
        }
    }

    private static RawHttp.Reply get(Coda.Builder app, String headers) throws IOException {
        try (var server = app.routes(new Seen()).host("127.0.0.1").port(0).start(); var http = new RawHttp(server.port())) {
            return http.send("GET /seen?q=1 HTTP/1.1\r\nHost: internal:8000\r\n" + headers + "Connection: close\r\n\r\n").read(false);
        }
    }

    @Test
    void an_untrusted_peer_s_forwarded_headers_change_nothing() throws IOException {
        var reply = get(Coda.app().proxyHeaders("10.0.0.0/8"),
                "X-Forwarded-For: 203.0.113.7\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: shop.example.com\r\n"
                        + "Forwarded: for=198.51.100.1;proto=https;host=evil.example\r\n");
        assertThat(reply.body()).contains("\"client\":\"127.0.0.1\"").contains("\"url\":\"http://internal:8000/seen?q=1\"");
    }

    @Test
    void without_proxy_headers_no_peer_is_trusted() throws IOException {
        var reply = get(Coda.app(), "X-Forwarded-For: 203.0.113.7\r\nX-Forwarded-Proto: https\r\n");
        assertThat(reply.body()).contains("\"client\":\"127.0.0.1\"").contains("http://internal:8000/seen");
    }

    @Test
    void a_trusted_peer_s_x_forwarded_headers_give_the_client_scheme_and_host() throws IOException {
        var reply = get(Coda.app().proxyHeaders("127.0.0.1"),
                "X-Forwarded-For: 203.0.113.7\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: shop.example.com\r\n");
        assertThat(reply.body()).contains("\"client\":\"203.0.113.7\"").contains("\"url\":\"https://shop.example.com/seen?q=1\"");
    }

    @Test
    void the_client_is_the_right_most_hop_that_is_not_a_trusted_proxy() throws IOException {
        var reply = get(Coda.app().proxyHeaders("127.0.0.1", "10.0.0.0/8"),
                "X-Forwarded-For: 1.1.1.1, 203.0.113.7, 10.1.2.3\r\n");
        assertThat(reply.body()).contains("\"client\":\"203.0.113.7\"");
        var allTrusted = get(Coda.app().proxyHeaders("127.0.0.1", "10.0.0.0/8"), "X-Forwarded-For: 10.9.9.9, 10.1.2.3\r\n");
        assertThat(allTrusted.body()).contains("\"client\":\"10.9.9.9\"");
    }

    @Test
    void a_trusted_peer_s_rfc_7239_forwarded_header_wins_over_x_forwarded() throws IOException {
        var reply = get(Coda.app().proxyHeaders("127.0.0.0/8"),
                "Forwarded: for=\"[2001:db8::1]:4711\";proto=https;host=api.example.com, for=127.0.0.2\r\n"
                        + "X-Forwarded-For: 9.9.9.9\r\n");
        assertThat(reply.body()).contains("\"client\":\"[2001:db8:0:0:0:0:0:1]\"").contains("\"url\":\"https://api.example.com/seen?q=1\"");
    }

    @Test
    void a_forwarded_port_is_in_the_url() throws IOException {
        var reply = get(Coda.app().proxyHeaders("*"), "X-Forwarded-Proto: https\r\nX-Forwarded-Host: shop.example.com\r\nX-Forwarded-Port: 8443\r\n");
        assertThat(reply.body()).contains("\"url\":\"https://shop.example.com:8443/seen?q=1\"");
    }

    @Test
    void malformed_forwarded_headers_are_ignored_not_an_error() throws IOException {
        var reply = get(Coda.app().proxyHeaders("127.0.0.1"),
                "X-Forwarded-For: not-an-address, 999.1.1.1\r\nX-Forwarded-Proto: gopher\r\nX-Forwarded-Host: a b/c\r\nX-Forwarded-Port: 99999\r\n");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).contains("\"client\":\"127.0.0.1\"").contains("\"url\":\"http://internal:8000/seen?q=1\"");
        var forwarded = get(Coda.app().proxyHeaders("127.0.0.1"), "Forwarded: for;;proto=\r\nX-Forwarded-For: ,\r\n");
        assertThat(forwarded.status()).isEqualTo(200);
        assertThat(forwarded.body()).contains("\"client\":\"127.0.0.1\"");
    }

    @Test
    void the_https_redirect_honours_a_trusted_proxy_s_proto_only() throws IOException {
        var behindTls = get(Coda.app().proxyHeaders("127.0.0.1").httpsRedirect(true), "X-Forwarded-Proto: https\r\n");
        assertThat(behindTls.status()).isEqualTo(200);
        var untrusted = get(Coda.app().proxyHeaders("10.0.0.1").httpsRedirect(true), "X-Forwarded-Proto: https\r\n");
        assertThat(untrusted.status()).isEqualTo(307);
        assertThat(untrusted.header("Location")).isEqualTo("https://internal:8000/seen?q=1");
    }

    @Test
    void the_url_of_a_request_with_characters_a_uri_may_not_hold_is_percent_encoded() throws IOException {
        try (var server = Coda.app().routes(new Seen()).host("127.0.0.1").port(0).start(); var http = new RawHttp(server.port())) {
            var reply = http.send("GET /seen?q=a|b%zz HTTP/1.1\r\nHost: internal\r\nConnection: close\r\n\r\n").read(false);
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.body()).contains("\"url\":\"http://internal/seen?q=a%7Cb%25zz\"");
        }
    }

    @Test
    void a_star_trusts_every_peer_the_test_client_s_in_process_one_too() {
        try (var client = dev.coda.testing.TestClient.of(Coda.app().proxyHeaders("*").routes(new Seen()).build())) {
            var seen = client.request("GET", "/seen").header("X-Forwarded-For", "203.0.113.7").header("X-Forwarded-Proto", "https").send();
            assertThat(seen.text()).contains("\"client\":\"203.0.113.7\"").contains("https://testserver/seen");
        }
    }

    @Test
    void trusted_hosts_check_the_host_a_trusted_proxy_forwarded() throws IOException {
        var forwarded = get(Coda.app().proxyHeaders("127.0.0.1").trustedHosts("shop.example.com"), "X-Forwarded-Host: shop.example.com\r\n");
        assertThat(forwarded.status()).isEqualTo(200);
        var untrusted = get(Coda.app().proxyHeaders("10.0.0.1").trustedHosts("shop.example.com"), "X-Forwarded-Host: shop.example.com\r\n");
        assertThat(untrusted.status()).isEqualTo(400);
    }

    @Test
    void a_trust_list_entry_that_is_no_address_is_refused() {
        assertThatThrownBy(() -> Coda.app().proxyHeaders("proxy.internal"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("proxy.internal");
        assertThatThrownBy(() -> Coda.app().proxyHeaders("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
    }
}
