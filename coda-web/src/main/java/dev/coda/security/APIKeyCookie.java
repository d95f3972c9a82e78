package dev.coda.security;

import dev.coda.Dependency;
import dev.coda.Request;

/**
 * An API key in a cookie, FastAPI's {@code APIKeyCookie}: registered as a dependency provider, it gives
 * {@code @Depends("cookieKey") String key} the cookie's value, answers 401 {@code {"detail": "Not authenticated"}} with
 * {@code WWW-Authenticate: APIKey} when it is missing or empty (or {@code null} with {@code autoError} false), and
 * appears in the OpenAPI document as an {@code apiKey} scheme {@code in: cookie}.
 *
 * <pre>{@code
 * Coda.app().dependencies(new APIKeyCookie("session")).routes(new Items()).run();
 *
 * @Get("/items")
 * public Map<String, String> items(@Depends("cookieKey") String key) { return Map.of("key", key); }
 * }</pre>
 */
public final class APIKeyCookie extends APIKey {

    /** A scheme that answers 401 without the cookie. */
    public APIKeyCookie(String name) {
        this(name, true);
    }

    /** With {@code autoError} false, a missing key resolves to {@code null}. */
    public APIKeyCookie(String name, boolean autoError) {
        super("cookie", name, autoError, null, null);
    }

    private APIKeyCookie(String name, boolean autoError, String schemeName, String description) {
        super("cookie", name, autoError, schemeName, description);
    }

    /** A copy with FastAPI's {@code scheme_name}: its key in the document and the name {@code @Depends} chooses it by. */
    public APIKeyCookie named(String schemeName) {
        return new APIKeyCookie(name, autoError, java.util.Objects.requireNonNull(schemeName, "schemeName"), description);
    }

    /** A copy with a description for the document. */
    public APIKeyCookie described(String text) {
        return new APIKeyCookie(name, autoError, schemeName, text);
    }

    /** The key, or {@code null} when it is missing and {@code autoError} is false. */
    @Dependency
    public String cookieKey(Request request) {
        return check(request.cookie(name).orElse(null));
    }
}
