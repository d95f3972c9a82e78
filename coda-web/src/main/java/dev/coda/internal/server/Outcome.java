package dev.coda.internal.server;

import dev.coda.internal.files.FileBody;
import dev.coda.internal.inject.RequestState;
import dev.coda.internal.stream.StreamBody;
import java.util.List;
import java.util.Map;

/**
 * A response ready to be written.
 *
 * @param body the bytes, or an empty array (also for a streamed response)
 * @param contentType the media type, or {@code null} without body
 * @param state the request's state
 * @param closeConnection whether the connection must be closed (the body was not read)
 * @param routed whether a route matched (only then can dependencies have added tasks or resources; an exception
 *     handler's response may carry tasks either way)
 * @param failed whether the path operation or a dependency failed (an exception, an HTTP error, invalid input)
 * @param stream the body produced while it is sent, or {@code null} for the buffered {@code body} (no object more
 *     per buffered answer)
 * @param file the file sent as the body ({@code Response.file}, a static file), or {@code null}
 */
public record Outcome(int status, List<Map.Entry<String, String>> headers, byte[] body, String contentType,
                      RequestState state, boolean closeConnection, boolean routed, boolean failed, StreamBody stream, FileBody file) {

    /** A buffered outcome. */
    public Outcome(int status, List<Map.Entry<String, String>> headers, byte[] body, String contentType,
                   RequestState state, boolean closeConnection, boolean routed, boolean failed) {
        this(status, headers, body, contentType, state, closeConnection, routed, failed, null, null);
    }

    /** The same outcome, marked to close the connection. */
    Outcome closing() {
        return new Outcome(status, headers, body, contentType, state, true, routed, failed, stream, file);
    }

    /** The same outcome, of a request that failed (its tasks follow the phase rules of a failure). */
    Outcome failing() {
        return new Outcome(status, headers, body, contentType, state, closeConnection, routed, true, stream, file);
    }

    /** Releases the streamed body of an outcome that will not be written, if it has one. */
    void discardStream() {
        if (stream != null) {
            stream.discard();
        }
    }
}
