package dev.coda.internal.server;

import dev.coda.internal.inject.RequestState;
import java.util.List;
import java.util.Map;

/**
 * A response ready to be written.
 *
 * @param body the bytes, or an empty array
 * @param contentType the media type, or {@code null} without body
 * @param state the request's state when a route matched, for work after the response; else {@code null}
 * @param closeConnection whether the connection must be closed (the body was not read)
 */
public record Outcome(int status, List<Map.Entry<String, String>> headers, byte[] body, String contentType,
                      RequestState state, boolean closeConnection) {
}
