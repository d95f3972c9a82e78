package dev.coda.security;

import dev.coda.Dependency;
import dev.coda.Request;
import dev.coda.internal.security.SecuritySchemeSource;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * OAuth2's password flow with a bearer token, FastAPI's {@code OAuth2PasswordBearer}: registered as a dependency provider,
 * it gives a parameter {@code @Depends("token") String token} the token of {@code Authorization: Bearer <token>}, answers
 * 401 {@code {"detail": "Not authenticated"}} with {@code WWW-Authenticate: Bearer} when there is none (or {@code null}
 * with {@code autoError} false), and appears in the OpenAPI document as an {@code oauth2} scheme whose password flow
 * posts to {@code tokenUrl}, so that /docs offers "Authorize".
 *
 * <pre>{@code
 * Coda.app()
 *     .dependencies(new OAuth2PasswordBearer("token", Map.of("items", "Read items.")))
 *     .routes(new Users())
 *     .run();
 *
 * // in Users
 * @Get("/items")
 * public Map<String, String> items(@Depends("token") String token) { return Map.of("token", token); }
 * }</pre>
 *
 * <p>An instance is the dependency, as in FastAPI: registering one makes its {@code token} method the provider, and the
 * resolved {@code String} is what routes see; an app with two schemes of one kind names them ({@link #named}).
 */
public final class OAuth2PasswordBearer implements SecuritySchemeSource {

    private final String tokenUrl;
    private final Map<String, String> scopes;
    private final boolean autoError;
    private final String schemeName;
    private final String description;

    /** A scheme without scopes that answers 401 when the token is missing. */
    public OAuth2PasswordBearer(String tokenUrl) {
        this(tokenUrl, Map.of(), true);
    }

    /** A scheme with its scopes (name to description, in the given map's order) that answers 401 when the token is missing. */
    public OAuth2PasswordBearer(String tokenUrl, Map<String, String> scopes) {
        this(tokenUrl, scopes, true);
    }

    /** With {@code autoError} false, a missing token resolves to {@code null} instead of answering 401. */
    public OAuth2PasswordBearer(String tokenUrl, Map<String, String> scopes, boolean autoError) {
        this(tokenUrl, scopes, autoError, null, null);
    }

    private OAuth2PasswordBearer(String tokenUrl, Map<String, String> scopes, boolean autoError, String schemeName,
                                 String description) {
        this.tokenUrl = java.util.Objects.requireNonNull(tokenUrl, "tokenUrl");
        this.scopes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(scopes));
        this.autoError = autoError;
        this.schemeName = schemeName;
        this.description = description;
    }

    /** A copy with FastAPI's {@code scheme_name}: its key in the document and the name {@code @Depends} chooses it by. */
    public OAuth2PasswordBearer named(String name) {
        return new OAuth2PasswordBearer(tokenUrl, scopes, autoError, java.util.Objects.requireNonNull(name, "name"), description);
    }

    /** A copy with a description for the document. */
    public OAuth2PasswordBearer described(String text) {
        return new OAuth2PasswordBearer(tokenUrl, scopes, autoError, schemeName, text);
    }

    /** The bearer token of the request; {@code Authorization} with another scheme counts as missing. */
    @Dependency
    public String token(Request request) {
        var authorization = request.header("Authorization").orElse(null);
        var parts = Schemes.schemeAndParam(authorization);
        if (authorization == null || authorization.isEmpty() || !parts[0].equalsIgnoreCase("bearer")) {
            if (autoError) {
                throw Schemes.notAuthenticated("Bearer");
            }
            return null;
        }
        return parts[1];
    }

    @Override
    public String schemeName() {
        return schemeName == null ? "OAuth2PasswordBearer" : schemeName;
    }

    @Override
    public String dependencyName() {
        return schemeName;
    }

    @Override
    public Map<String, Object> definition() {
        var password = new LinkedHashMap<String, Object>();
        password.put("scopes", scopes);
        password.put("tokenUrl", tokenUrl);
        return Schemes.definition("oauth2", description, "flows", Map.of("password", password));
    }
}
