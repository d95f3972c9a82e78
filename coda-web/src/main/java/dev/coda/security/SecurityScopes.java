package dev.coda.security;

import java.util.List;

/**
 * The OAuth2 scopes required along the dependency chain that reached a dependency, FastAPI's {@code SecurityScopes}: a
 * dependency declares a parameter of this type and Coda gives it the scopes of every {@link Security} on the way from
 * the path operation, outermost first.
 *
 * <pre>{@code
 * @Dependency
 * User currentUser(SecurityScopes required, @Depends("token") String token) {
 *     var claims = tokens.verify(token);
 *     for (var scope : required.scopes()) {
 *         if (!claims.scopes().contains(scope)) {
 *             throw new HttpException(401, "Not enough permissions", Map.of("WWW-Authenticate", required.challenge()));
 *         }
 *     }
 *     return users.get(claims.subject());
 * }
 * }</pre>
 *
 * @param scopes the required scopes, outermost first
 */
public record SecurityScopes(List<String> scopes) {

    public SecurityScopes {
        scopes = List.copyOf(scopes);
    }

    /** The scopes separated by spaces, FastAPI's {@code scope_str}. */
    public String scopeStr() {
        return String.join(" ", scopes);
    }

    /** The {@code WWW-Authenticate} value of FastAPI's tutorial: {@code Bearer scope="items me"}, or {@code Bearer} without scopes. */
    public String challenge() {
        return scopes.isEmpty() ? "Bearer" : "Bearer scope=\"" + scopeStr() + "\"";
    }
}
