package dev.coda.security;

import dev.coda.Dependency;
import dev.coda.Request;

/**
 * An API key in a query parameter, FastAPI's {@code APIKeyQuery}: registered as a dependency provider, it gives
 * {@code @Depends("queryKey") String key} the parameter's value, answers 401 {@code {"detail": "Not authenticated"}} with
 * {@code WWW-Authenticate: APIKey} when it is missing or empty (or {@code null} with {@code autoError} false), and
 * appears in the OpenAPI document as an {@code apiKey} scheme {@code in: query}.
 *
 * <pre>{@code
 * Coda.app().dependencies(new APIKeyQuery("api_key")).routes(new Items()).run();
 *
 * @Get("/items")
 * public Map<String, String> items(@Depends("queryKey") String key) { return Map.of("key", key); }
 * }</pre>
 */
public final class APIKeyQuery extends APIKey {

    /** A scheme that answers 401 without the parameter. */
    public APIKeyQuery(String name) {
        this(name, true);
    }

    /** With {@code autoError} false, a missing key resolves to {@code null}. */
    public APIKeyQuery(String name, boolean autoError) {
        super("query", name, autoError, null, null);
    }

    private APIKeyQuery(String name, boolean autoError, String schemeName, String description) {
        super("query", name, autoError, schemeName, description);
    }

    /** A copy with FastAPI's {@code scheme_name}: its key in the document and the name {@code @Depends} chooses it by. */
    public APIKeyQuery named(String schemeName) {
        return new APIKeyQuery(name, autoError, java.util.Objects.requireNonNull(schemeName, "schemeName"), description);
    }

    /** A copy with a description for the document. */
    public APIKeyQuery described(String text) {
        return new APIKeyQuery(name, autoError, schemeName, text);
    }

    /** The key, or {@code null} when it is missing and {@code autoError} is false. */
    @Dependency
    public String queryKey(Request request) {
        return check(request.queryParam(name).orElse(null));
    }
}
