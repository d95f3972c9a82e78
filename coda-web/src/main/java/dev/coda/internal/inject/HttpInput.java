package dev.coda.internal.inject;

import java.util.List;
import java.util.Optional;

/** What the binding layer needs from an HTTP request; the server adapter implements it. */
public interface HttpInput {
    String method();

    /** The path as sent, still percent-encoded. */
    String rawPath();

    /** The query string without {@code ?}, or empty. */
    String queryString();

    Optional<String> header(String name);

    List<String> headers(String name);

    Optional<String> cookie(String name);

    /** Reads the whole body; answers {@code 413} past the size limit, {@code 408} below the minimum rate (as {@code HttpException}s). */
    byte[] body();

    String remoteAddress();

    /** The URL the client asked for: scheme and host (as a trusted proxy forwarded them), root path, path and query. */
    String url();

    /** The prefix a proxy serves the app under ({@code ""} for none); FastAPI's {@code root_path}. */
    String rootPath();

    /**
     * Parses a {@code multipart/form-data} body with the app's form limits: {@code 400} for a missing boundary, a malformed
     * body or too many parts, {@code 413} past a size limit (as {@code HttpException}s).
     */
    FormData multipart(String contentType);
}
