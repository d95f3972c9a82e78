package dev.coda.security;

import dev.coda.Dependency;
import dev.coda.Request;
import dev.coda.internal.security.SecuritySchemeSource;
import java.util.Map;

/**
 * HTTP Bearer authentication, FastAPI's {@code HTTPBearer}: registered as a dependency provider, it gives every
 * {@link HTTPAuthorizationCredentials} parameter the scheme and token of {@code Authorization: Bearer <token>}, answers 401
 * {@code {"detail": "Not authenticated"}} with {@code WWW-Authenticate: Bearer} when the header is missing, empty or of
 * another scheme (or {@code null} with {@code autoError} false), and appears in the OpenAPI document as an {@code http}
 * scheme {@code bearer}.
 *
 * <pre>{@code
 * Coda.app().dependencies(new HTTPBearer()).routes(new Users()).run();
 *
 * @Get("/users/me")
 * public Map<String, String> me(HTTPAuthorizationCredentials bearer) { return Map.of("token", bearer.credentials()); }
 * }</pre>
 */
public final class HTTPBearer implements SecuritySchemeSource {

    private final String bearerFormat;
    private final boolean autoError;
    private final String schemeName;
    private final String description;

    /** A scheme that answers 401 when the token is missing. */
    public HTTPBearer() {
        this(null, true);
    }

    /** With the token's format for the document ({@code null} for none, e.g. {@code JWT}); with {@code autoError} false a missing token gives {@code null}. */
    public HTTPBearer(String bearerFormat, boolean autoError) {
        this(bearerFormat, autoError, null, null);
    }

    private HTTPBearer(String bearerFormat, boolean autoError, String schemeName, String description) {
        this.bearerFormat = bearerFormat;
        this.autoError = autoError;
        this.schemeName = schemeName;
        this.description = description;
    }

    /** A copy with FastAPI's {@code scheme_name}: its key in the document and the name {@code @Depends} chooses it by. */
    public HTTPBearer named(String name) {
        return new HTTPBearer(bearerFormat, autoError, java.util.Objects.requireNonNull(name, "name"), description);
    }

    /** A copy with a description for the document. */
    public HTTPBearer described(String text) {
        return new HTTPBearer(bearerFormat, autoError, schemeName, text);
    }

    /** The credentials of the request, or {@code null} when they are missing and {@code autoError} is false. */
    @Dependency
    public HTTPAuthorizationCredentials bearerCredentials(Request request) {
        var authorization = request.header("Authorization").orElse(null);
        var parts = Schemes.schemeAndParam(authorization);
        if (authorization == null || parts[0].isEmpty() || parts[1].isEmpty() || !parts[0].equalsIgnoreCase("bearer")) {
            if (autoError) {
                throw Schemes.notAuthenticated("Bearer");
            }
            return null;
        }
        return new HTTPAuthorizationCredentials(parts[0], parts[1]);
    }

    @Override
    public String schemeName() {
        return schemeName == null ? "HTTPBearer" : schemeName;
    }

    @Override
    public String dependencyName() {
        return schemeName;
    }

    @Override
    public Map<String, Object> definition() {
        return Schemes.definition("http", description, "scheme", "bearer", "bearerFormat", bearerFormat);
    }
}
