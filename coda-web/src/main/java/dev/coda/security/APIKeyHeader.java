package dev.coda.security;

import dev.coda.Dependency;
import dev.coda.Request;

/**
 * An API key in a request header, FastAPI's {@code APIKeyHeader}: registered as a dependency provider, it gives
 * {@code @Depends("headerKey") String key} the header's value, answers 401 {@code {"detail": "Not authenticated"}} with
 * {@code WWW-Authenticate: APIKey} when it is missing or empty (or {@code null} with {@code autoError} false), and
 * appears in the OpenAPI document as an {@code apiKey} scheme {@code in: header}.
 *
 * <pre>{@code
 * Coda.app().dependencies(new APIKeyHeader("X-API-Key")).routes(new Items()).run();
 *
 * @Get("/items")
 * public Map<String, String> items(@Depends("headerKey") String key) { return Map.of("key", key); }
 * }</pre>
 */
public final class APIKeyHeader extends APIKey {

    /** A scheme that answers 401 without the header. */
    public APIKeyHeader(String name) {
        this(name, true);
    }

    /** With {@code autoError} false, a missing key resolves to {@code null}. */
    public APIKeyHeader(String name, boolean autoError) {
        super("header", name, autoError, null, null);
    }

    private APIKeyHeader(String name, boolean autoError, String schemeName, String description) {
        super("header", name, autoError, schemeName, description);
    }

    /** A copy with FastAPI's {@code scheme_name}: its key in the document and the name {@code @Depends} chooses it by. */
    public APIKeyHeader named(String schemeName) {
        return new APIKeyHeader(name, autoError, java.util.Objects.requireNonNull(schemeName, "schemeName"), description);
    }

    /** A copy with a description for the document. */
    public APIKeyHeader described(String text) {
        return new APIKeyHeader(name, autoError, schemeName, text);
    }

    /** The key, or {@code null} when it is missing and {@code autoError} is false. */
    @Dependency
    public String headerKey(Request request) {
        return check(request.header(name).orElse(null));
    }
}
