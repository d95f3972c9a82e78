package dev.coda.security;

/**
 * The user name and password of {@code Authorization: Basic ...}, FastAPI's {@code HTTPBasicCredentials}.
 *
 * <pre>{@code
 * @Get("/users/me")
 * public Map<String, String> me(HTTPBasicCredentials credentials) { return Map.of("username", credentials.username()); }
 * }</pre>
 *
 * @param username the text before the first colon
 * @param password the text after it, possibly empty or holding colons
 */
public record HTTPBasicCredentials(String username, String password) {

    /** Leaves the password out, so that a log line of the credentials does not leak it. */
    @Override
    public String toString() {
        return "HTTPBasicCredentials[username=" + username + "]";
    }
}
