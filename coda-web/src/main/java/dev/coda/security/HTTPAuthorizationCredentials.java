package dev.coda.security;

/**
 * The scheme and credentials of an {@code Authorization} header, FastAPI's {@code HTTPAuthorizationCredentials}.
 *
 * <pre>{@code
 * @Get("/users/me")
 * public Map<String, String> me(HTTPAuthorizationCredentials bearer) { return Map.of("token", bearer.credentials()); }
 * }</pre>
 *
 * @param scheme the scheme as sent, e.g. {@code Bearer} or {@code bearer}
 * @param credentials the rest of the header, stripped
 */
public record HTTPAuthorizationCredentials(String scheme, String credentials) {

    /** Leaves the credentials out, so that a log line does not leak them. */
    @Override
    public String toString() {
        return "HTTPAuthorizationCredentials[scheme=" + scheme + "]";
    }
}
