package dev.coda.internal;

/**
 * The reason phrases FastAPI (Python's {@code http.HTTPStatus}) uses, for error details and the OpenAPI document.
 *
 * <pre>{@code
 * ReasonPhrases.of(404);   // "Not Found"
 * }</pre>
 */
public final class ReasonPhrases {
    private ReasonPhrases() {
    }

    public static String of(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 410 -> "Gone";
            case 413 -> "Content Too Large";
            case 415 -> "Unsupported Media Type";
            case 422 -> "Unprocessable Content";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> org.eclipse.jetty.http.HttpStatus.getMessage(status);
        };
    }
}
