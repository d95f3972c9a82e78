package dev.coda.internal;

import org.eclipse.jetty.http.HttpStatus;

/**
 * The reason phrases FastAPI uses (Python's {@code http.HTTPStatus}), for error details and the OpenAPI document:
 * Jetty's ({@link HttpStatus#getMessage}), except the three that RFC 9110 renamed and Jetty has not.
 *
 * <pre>{@code
 * ReasonPhrases.of(404);   // "Not Found", Jetty's
 * ReasonPhrases.of(422);   // "Unprocessable Content" (Jetty: "Unprocessable Entity")
 * }</pre>
 */
public final class ReasonPhrases {
    private ReasonPhrases() {
    }

    public static String of(int status) {
        return switch (status) {
            case 413 -> "Content Too Large";           // Jetty: Payload Too Large
            case 422 -> "Unprocessable Content";       // Jetty: Unprocessable Entity
            case 500 -> "Internal Server Error";       // Jetty: Server Error
            default -> HttpStatus.getMessage(status);
        };
    }
}
