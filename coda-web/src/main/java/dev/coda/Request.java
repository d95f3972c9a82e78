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
 *     return new Caller(request.remoteAddress());       // the client's, behind a trusted proxy too
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

    /**
     * The client's address as {@code host:port}: the peer's, or the client a trusted proxy forwarded
     * ({@code Coda.Builder.proxyHeaders}; port 0 when the proxy gave none).
     */
    String remoteAddress();

    /**
     * The URL the client asked for, as Starlette's {@code request.url}: scheme and host as sent (or as a trusted proxy
     * forwarded them), then the {@link #rootPath()}, the path and the query.
     *
     * <pre>{@code
     * var next = request.url().resolve("?page=2");     // https://shop.example.com/api/v1/items?page=2 behind a proxy
     * }</pre>
     */
    java.net.URI url();

    /** The prefix the app is served under ({@code Coda.Builder.rootPath}, a mount's prefix), {@code ""} for none. */
    String rootPath();

    /** The request id: the {@code X-Request-Id} header when the client sent one, else a new one. */
    String id();
}
