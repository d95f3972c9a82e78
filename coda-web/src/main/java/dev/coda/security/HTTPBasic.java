package dev.coda.security;

import dev.coda.Dependency;
import dev.coda.Request;
import dev.coda.internal.security.SecuritySchemeSource;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * HTTP Basic authentication, FastAPI's {@code HTTPBasic}: registered as a dependency provider, it gives every
 * {@link HTTPBasicCredentials} parameter the user name and password of {@code Authorization: Basic <base64>}, answers 401
 * {@code {"detail": "Not authenticated"}} with {@code WWW-Authenticate: Basic} (with the realm, if given) when the header
 * is missing, of another scheme, not base64, not ASCII or without a colon, and appears in the OpenAPI document as an
 * {@code http} scheme {@code basic}. With {@code autoError} false only a missing header (or another scheme) resolves to
 * {@code null}; a malformed one still answers 401, as in FastAPI.
 *
 * <pre>{@code
 * Coda.app().dependencies(new HTTPBasic()).routes(new Users()).run();
 *
 * @Get("/users/me")
 * public Map<String, String> me(HTTPBasicCredentials credentials) { return Map.of("username", credentials.username()); }
 * }</pre>
 *
 * <p>Compare passwords with {@link java.security.MessageDigest#isEqual} (constant time), as FastAPI's guide does with
 * {@code secrets.compare_digest}.
 */
public final class HTTPBasic implements SecuritySchemeSource {

    private final String realm;
    private final boolean autoError;
    private final String schemeName;
    private final String description;

    /** A scheme without realm that answers 401 when the credentials are missing. */
    public HTTPBasic() {
        this(null, true);
    }

    /** With a realm ({@code null} for none) for the {@code WWW-Authenticate} challenge; with {@code autoError} false a missing header gives {@code null}. */
    public HTTPBasic(String realm, boolean autoError) {
        this(realm, autoError, null, null);
    }

    private HTTPBasic(String realm, boolean autoError, String schemeName, String description) {
        this.realm = realm;
        this.autoError = autoError;
        this.schemeName = schemeName;
        this.description = description;
    }

    /** A copy with FastAPI's {@code scheme_name}: its key in the document and the name {@code @Depends} chooses it by. */
    public HTTPBasic named(String name) {
        return new HTTPBasic(realm, autoError, java.util.Objects.requireNonNull(name, "name"), description);
    }

    /** A copy with a description for the document. */
    public HTTPBasic described(String text) {
        return new HTTPBasic(realm, autoError, schemeName, text);
    }

    /** The credentials of the request, or {@code null} when they are missing and {@code autoError} is false. */
    @Dependency
    public HTTPBasicCredentials basicCredentials(Request request) {
        var authorization = request.header("Authorization").orElse(null);
        var parts = Schemes.schemeAndParam(authorization);
        if (authorization == null || authorization.isEmpty() || !parts[0].equalsIgnoreCase("basic")) {
            if (autoError) {
                throw notAuthenticated();
            }
            return null;
        }
        String data;
        try {
            var bytes = Base64.getDecoder().decode(parts[1]);
            data = StandardCharsets.US_ASCII.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (IllegalArgumentException | CharacterCodingException e) {
            throw notAuthenticated();
        }
        int colon = data.indexOf(':');
        if (colon < 0) {
            throw notAuthenticated();
        }
        return new HTTPBasicCredentials(data.substring(0, colon), data.substring(colon + 1));
    }

    private dev.coda.HttpException notAuthenticated() {
        return Schemes.notAuthenticated(realm == null || realm.isEmpty() ? "Basic" : "Basic realm=\"" + realm + "\"");
    }

    @Override
    public String schemeName() {
        return schemeName == null ? "HTTPBasic" : schemeName;
    }

    @Override
    public String dependencyName() {
        return schemeName;
    }

    @Override
    public Map<String, Object> definition() {
        return Schemes.definition("http", description, "scheme", "basic");
    }
}
