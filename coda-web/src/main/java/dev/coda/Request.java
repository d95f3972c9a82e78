package dev.coda;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTP request being handled, for the rare path operation or dependency that needs more than its
 * declared parameters. Declare a parameter of this type to receive it.
 *
 * <pre>{@code
 * @Dependency
 * static Caller caller(Request request) {
 *     return new Caller(request.header("X-Forwarded-For").orElse(request.remoteAddress()));
 * }
 * }</pre>
 */
public interface Request {

    /** The method, upper case: {@code GET}, {@code POST}, ... */
    String method();

    /** The path, percent-decoded, without the query string. */
    String path();

    /** The raw query string, without {@code ?}; empty when there is none. */
    String queryString();

    /** The first value of a query parameter. */
    Optional<String> queryParam(String name);

    /** Every query parameter with all its values, in request order. */
    Map<String, List<String>> queryParams();

    /** The path parameters of the matched route, by placeholder name, in the template's order; unmodifiable. */
    Map<String, String> pathParams();

    /** The first value of a header; names are case-insensitive. */
    Optional<String> header(String name);

    /** Every value of a header; names are case-insensitive. */
    List<String> headers(String name);

    /** A cookie's value. */
    Optional<String> cookie(String name);

    /** The body's bytes (read once, within the app's body size limit). */
    byte[] body();

    /** The client's address as {@code host:port}. */
    String remoteAddress();

    /** The request id: the {@code X-Request-Id} header when the client sent one, else a new one. */
    String id();
}
