package dev.coda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coda.testing.TestClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Response cookies: the exact Set-Cookie headers Jetty formats, several on one response, deletion. */
class ResponseCookieTest {

    public static final class Routes {
        @Post("/login")
        public Response login() {
            return Response.ok(Map.of("ok", true))
                    .cookie("plain", "1")
                    .cookie(SetCookie.of("session", "abc123").maxAge(Duration.ofHours(1)).httpOnly(true).secure(true)
                            .sameSite(SetCookie.SameSite.STRICT))
                    .cookie(SetCookie.of("prefs", "dark").path("/app").domain("example.com")
                            .expires(Instant.parse("2030-01-02T03:04:05Z")).sameSite(null))
                    .cookie(SetCookie.of("chip", "x").secure(true).sameSite(SetCookie.SameSite.NONE).partitioned(true));
        }

        @Post("/logout")
        public Response logout() {
            return Response.noContent().deleteCookie("session").deleteCookie("prefs", "/app", "example.com");
        }
    }

    @Test
    void every_attribute_is_written_and_several_cookies_make_several_headers() {
        try (var client = TestClient.of(Coda.app().routes(new Routes()).build())) {
            var response = client.post("/login");
            var cookies = response.headers().get("set-cookie");
            assertThat(cookies).hasSize(4);
            assertThat(cookies.get(0)).isEqualTo("plain=1; Path=/; SameSite=Lax");
            // Jetty writes an Expires derived from Max-Age, for the browsers that know only Expires
            assertThat(cookies.get(1)).matches("session=abc123; Path=/; Expires=\\w{3}, \\d{1,2} \\w{3} \\d{4} [\\d:]{8} GMT; "
                    + "Max-Age=3600; Secure; HttpOnly; SameSite=Strict");
            assertThat(cookies.get(2)).isEqualTo("prefs=dark; Path=/app; Domain=example.com; Expires=Wed, 2 Jan 2030 03:04:05 GMT");
            assertThat(cookies.get(3)).isEqualTo("chip=x; Path=/; Secure; Partitioned; SameSite=None");
            assertThat(response.json()).isEqualTo(Map.of("ok", true));
        }
    }

    @Test
    void a_deleted_cookie_is_empty_and_expires_at_once_with_its_path_and_domain() {
        try (var client = TestClient.of(Coda.app().routes(new Routes()).build())) {
            var response = client.post("/logout");
            assertThat(response.status()).isEqualTo(204);
            assertThat(response.headers().get("set-cookie")).isEqualTo(List.of(
                    "session=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; SameSite=Lax",
                    "prefs=; Path=/app; Domain=example.com; Expires=Thu, 01 Jan 1970 00:00:00 GMT; SameSite=Lax"));
        }
    }

    @Test
    void a_value_a_cookie_cannot_carry_is_refused_when_the_response_is_built() {
        assertThatThrownBy(() -> Response.noContent().cookie("name", "a;b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SetCookie.of("", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SetCookie.of("n", "x").maxAge(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    }
}
