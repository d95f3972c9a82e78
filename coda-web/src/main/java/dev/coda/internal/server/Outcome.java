package dev.coda.internal.server;

import dev.coda.internal.inject.RequestState;
import java.util.List;
import java.util.Map;

/**
 * A response ready to be written.
 *
 * @param body the bytes, or an empty array
 * @param contentType the media type, or {@code null} without body
 * @param state the request's state
 * @param closeConnection whether the connection must be closed (the body was not read)
 * @param routed whether a route matched (only then can dependencies have added tasks or resources; an exception
 *     handler's response may carry tasks either way)
 * @param failed whether the path operation or a dependency failed (an exception, an HTTP error, invalid input)
 */
public record Outcome(int status, List<Map.Entry<String, String>> headers, byte[] body, String contentType,
                      RequestState state, boolean closeConnection, boolean routed, boolean failed) {

    /** The same outcome, marked to close the connection. */
    Outcome closing() {
        return new Outcome(status, headers, body, contentType, state, true, routed, failed);
    }
}
