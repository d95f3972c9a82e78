package dev.coda;

import java.io.IOException;

/**
 * Where a path operation sends server-sent events: each one is written and flushed to the client at once, blocking
 * while a slow client catches up. Once the client has gone, {@link #isOpen()} is false, the next send throws, and a
 * producer waiting in a blocking call is interrupted. Safe to use from several threads.
 *
 * <pre>{@code
 * @Get("/events")
 * public Response events() {
 *     return Response.events(sink -> {
 *         for (int i = 0; sink.isOpen(); i++) {
 *             sink.send(ServerSentEvent.data(Map.of("n", i)).withId(String.valueOf(i)));
 *             Thread.sleep(1000);
 *         }
 *     });
 * }
 * }</pre>
 */
public interface EventSink {

    /** Writes the event and flushes it to the client. */
    void send(ServerSentEvent event) throws IOException;

    /** Sends an event whose payload is {@code value} as JSON. */
    default void data(Object value) throws IOException {
        send(ServerSentEvent.data(value));
    }

    /** Sends a comment line, which clients ignore. */
    default void comment(String text) throws IOException {
        send(ServerSentEvent.comment(text));
    }

    /** Whether the client is still there, as far as the server knows (a write failed, or the connection ended). */
    boolean isOpen();
}
