package dev.coda.examples.guide;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coda.testing.TestClient;
import dev.coda.testing.TestResponse;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** docs/security.md end to end: a password form gives a signed token, the token gives the user and its scopes decide. */
class SecurityGuideTest {

    private final byte[] secret = randomSecret();
    private TestClient client;

    private static byte[] randomSecret() {
        var bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    @BeforeEach
    void start() {
        client = TestClient.of(CurrentUserApp.app(new Tokens(secret, Duration.ofMinutes(30), Clock.systemUTC())));
    }

    @AfterEach
    void stop() {
        client.close();
    }

    private TestResponse login(String username, String password, String scope) {
        return client.request("POST", "/token").form("username", username).form("password", password).form("scope", scope).send();
    }

    private String token(String scope) {
        var response = login("johndoe", "secret", scope);
        assertThat(response.status()).as("%s", response).isEqualTo(200);
        @SuppressWarnings("unchecked")
        var body = (Map<String, Object>) response.json();
        assertThat(body).containsEntry("token_type", "bearer");
        return (String) body.get("access_token");
    }

    private TestResponse get(String path, String token) {
        return client.request("GET", path).header("Authorization", "Bearer " + token).send();
    }

    @Test
    void theFormGivesASignedTokenAndTheTokenGivesTheUser() {
        var token = token("me items");

        assertThat(token.split("\\.")).as("a JWS: header, claims, signature").hasSize(3);
        assertThat(get("/users/me/", token).json()).isEqualTo(
                Map.of("username", "johndoe", "email", "johndoe@example.com", "fullName", "John Doe", "disabled", false));
        assertThat(get("/users/me/items/", token).json()).isEqualTo(List.of(Map.of("item_id", "Foo", "owner", "johndoe")));
        assertThat(get("/status/", token).json()).isEqualTo(Map.of("status", "ok"));
    }

    @Test
    void aWrongPasswordOrAnUnknownUserIsRefused() {
        for (var response : List.of(login("johndoe", "wrong", ""), login("nobody", "secret", ""))) {
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.json()).isEqualTo(Map.of("detail", "Incorrect username or password"));
        }
    }

    @Test
    void aBadTokenIsRefusedWithTheChallengeOfTheScopesRequired() {
        var forged = new Tokens(randomSecret(), Duration.ofMinutes(30), Clock.systemUTC()).issue("johndoe", List.of("me"));
        var expired = new Tokens(secret, Duration.ofMinutes(30), Clock.fixed(Instant.now().minus(Duration.ofHours(1)), ZoneOffset.UTC))
                .issue("johndoe", List.of("me"));
        for (var bad : List.of("not-a-jwt", forged, expired)) {
            var status = get("/status/", bad);
            assertThat(status.status()).as("%s: %s", bad, status).isEqualTo(401);
            assertThat(status.json()).isEqualTo(Map.of("detail", "Could not validate credentials"));
            assertThat(status.header("WWW-Authenticate")).contains("Bearer");
            assertThat(get("/users/me/", bad).header("WWW-Authenticate")).contains("Bearer scope=\"me\"");
        }
        var missing = client.get("/users/me/");
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.json()).isEqualTo(Map.of("detail", "Not authenticated"));
        assertThat(missing.header("WWW-Authenticate")).contains("Bearer");
    }

    @Test
    void insufficientScopesAreRefusedAsFastApisTutorialDoes() {
        var onlyMe = token("me");

        assertThat(get("/users/me/", onlyMe).status()).isEqualTo(200);
        var items = get("/users/me/items/", onlyMe);
        assertThat(items.status()).isEqualTo(401);
        assertThat(items.json()).isEqualTo(Map.of("detail", "Not enough permissions"));
        assertThat(items.header("WWW-Authenticate")).contains("Bearer scope=\"items me\"");
        assertThat(get("/users/me/", token("")).header("WWW-Authenticate")).contains("Bearer scope=\"me\"");
    }

    @Test
    void aDisabledUserIsInactive() {
        var response = login("alice", "secret2", "me");
        @SuppressWarnings("unchecked")
        var token = (String) ((Map<String, Object>) response.json()).get("access_token");

        var me = get("/users/me/", token);
        assertThat(me.status()).isEqualTo(400);
        assertThat(me.json()).isEqualTo(Map.of("detail", "Inactive user"));
    }
}
