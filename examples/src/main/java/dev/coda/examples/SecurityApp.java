package dev.coda.examples;

import dev.coda.Coda;
import dev.coda.Dependency;
import dev.coda.Depends;
import dev.coda.Get;
import dev.coda.HttpException;
import dev.coda.Post;
import dev.coda.security.APIKeyCookie;
import dev.coda.security.APIKeyHeader;
import dev.coda.security.APIKeyQuery;
import dev.coda.security.HTTPAuthorizationCredentials;
import dev.coda.security.HTTPBasic;
import dev.coda.security.HTTPBasicCredentials;
import dev.coda.security.HTTPBearer;
import dev.coda.security.OAuth2PasswordBearer;
import dev.coda.security.OAuth2PasswordRequestForm;
import dev.coda.security.Security;
import dev.coda.security.SecurityScopes;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * FastAPI's security utilities, one route per scheme, as {@code openapi/fastapi/security.py} declares them; the OAuth2
 * routes follow FastAPI's OAuth2 scopes tutorial with a toy token ({@code user:scopes}) — see docs/security.md for real
 * tokens.
 *
 * <pre>{@code
 * SecurityApp.app().run();   // then "Authorize" at http://127.0.0.1:8000/docs
 * }</pre>
 */
public final class SecurityApp {

    /** The current user and the scopes the chain required. */
    public record CurrentUser(String username, List<String> scopes) {
    }

    /** The app. */
    public static Coda app() {
        var scopes = new LinkedHashMap<String, String>();
        scopes.put("me", "Read information about the current user.");
        scopes.put("items", "Read items.");
        return Coda.app()
                .dependencies(new OAuth2PasswordBearer("token", scopes),
                        new OAuth2PasswordBearer("token", Map.of(), false).named("OptionalOAuth2"),
                        new APIKeyHeader("X-API-Key"), new APIKeyQuery("api_key"), new APIKeyCookie("session", false),
                        new HTTPBasic(), new HTTPBearer())
                .routes(new SecurityApp())
                .build();
    }

    @Post("/token")
    public Map<String, String> login(@Depends OAuth2PasswordRequestForm form) {
        if (!form.password().equals("secret")) {
            throw new HttpException(400, "Incorrect username or password");
        }
        return Map.of("access_token", form.username() + ":" + String.join(" ", form.scopes()), "token_type", "bearer");
    }

    @Dependency
    public CurrentUser currentUser(SecurityScopes required, @Depends("token") String token) {
        int colon = token.indexOf(':');
        var username = colon < 0 ? token : token.substring(0, colon);
        var granted = colon < 0 ? List.<String>of() : Arrays.asList(token.substring(colon + 1).split(" "));
        for (var scope : required.scopes()) {
            if (!granted.contains(scope)) {
                throw new HttpException(401, "Not enough permissions", Map.of("WWW-Authenticate", required.challenge()));
            }
        }
        return new CurrentUser(username, required.scopes());
    }

    /** The active user: here, every user. */
    public record ActiveUser(CurrentUser user) {
    }

    @Dependency
    public ActiveUser currentActiveUser(@Security(value = "currentUser", scopes = "me") CurrentUser user) {
        return new ActiveUser(user);
    }

    @Get("/users/me")
    public CurrentUser readUsersMe(ActiveUser user) {
        return user.user();
    }

    @Get("/users/me/items")
    public CurrentUser readOwnItems(@Security(value = "currentActiveUser", scopes = "items") ActiveUser user) {
        return user.user();
    }

    @Get("/status")
    public Map<String, String> readStatus(@Depends("OptionalOAuth2") String token) {
        var out = new HashMap<String, String>();
        out.put("token", token);
        return out;
    }

    @Get("/header-key")
    public Map<String, String> readHeaderKey(@Depends("headerKey") String key) {
        return Map.of("key", key);
    }

    @Get("/query-key")
    public Map<String, String> readQueryKey(@Depends("queryKey") String key) {
        return Map.of("key", key);
    }

    @Get("/cookie-key")
    public Map<String, String> readCookieKey(@Depends("cookieKey") String key) {
        var out = new HashMap<String, String>();
        out.put("key", key);
        return out;
    }

    @Get("/basic")
    public Map<String, String> readBasic(HTTPBasicCredentials credentials) {
        return Map.of("username", credentials.username(), "password", credentials.password());
    }

    @Get("/bearer")
    public Map<String, String> readBearer(HTTPAuthorizationCredentials credentials) {
        return Map.of("scheme", credentials.scheme(), "credentials", credentials.credentials());
    }
}
