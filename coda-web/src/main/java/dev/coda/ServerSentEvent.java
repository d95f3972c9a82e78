package dev.coda;

import java.time.Duration;
import java.util.Objects;

/**
 * One server-sent event, FastAPI's {@code ServerSentEvent}: a payload ({@linkplain #data JSON} or {@linkplain #raw raw
 * text}), and optionally an event name, an id, a reconnection delay and a comment. Send it through an
 * {@link EventSink} or return a {@code Stream} of them with {@link Response#events(java.util.stream.Stream)}.
 *
 * <pre>{@code
 * sink.send(ServerSentEvent.data(item).withEvent("item_update").withId(String.valueOf(i + 1)).withRetry(Duration.ofSeconds(5)));
 * sink.send(ServerSentEvent.raw("2025-01-01 INFO  Application started"));
 * sink.send(ServerSentEvent.comment("stream of item updates"));
 * }</pre>
 *
 * <p>On the wire ({@code text/event-stream}) the fields come in FastAPI's order: comment lines ({@code : text}),
 * {@code event:}, {@code data:} (one line per line of the payload, so multi-line text arrives whole), {@code id:},
 * {@code retry:} (milliseconds), then a blank line.
 *
 * @param data the payload written as JSON with the app's mapper (a string is quoted), or {@code null}
 * @param rawData the payload as text, written as it is, or {@code null}; never both payloads
 * @param event the event name ({@code addEventListener(name, ...)} in a browser), one line, or {@code null}
 * @param id the event id, which a browser sends back as {@code Last-Event-ID} when it reconnects; one line, no NUL
 * @param retry how long the browser waits before it reconnects, or {@code null}
 * @param comment comment text, ignored by clients, or {@code null}
 */
public record ServerSentEvent(Object data, String rawData, String event, String id, Duration retry, String comment) {

    public ServerSentEvent {
        if (data != null && rawData != null) {
            throw new IllegalArgumentException("an event has either data (JSON) or raw data (text), not both");
        }
        singleLine(event, "event");
        singleLine(id, "id");
        if (id != null && id.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("an event id must not contain NUL");
        }
        if (retry != null && retry.isNegative()) {
            throw new IllegalArgumentException("retry must not be negative: " + retry);
        }
    }

    private static void singleLine(String value, String what) {
        if (value != null && (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0)) {
            throw new IllegalArgumentException("an event's " + what + " must be a single line");
        }
    }

    /** An event whose payload is {@code value} as JSON. */
    public static ServerSentEvent data(Object value) {
        return new ServerSentEvent(Objects.requireNonNull(value, "value"), null, null, null, null, null);
    }

    /** An event whose payload is {@code text} as it is (HTML, CSV, a log line...). */
    public static ServerSentEvent raw(String text) {
        return new ServerSentEvent(null, Objects.requireNonNull(text, "text"), null, null, null, null);
    }

    /** A comment alone: clients ignore it, proxies see traffic. */
    public static ServerSentEvent comment(String text) {
        return new ServerSentEvent(null, null, null, null, null, Objects.requireNonNull(text, "text"));
    }

    /** This event with a name. */
    public ServerSentEvent withEvent(String name) {
        return new ServerSentEvent(data, rawData, name, id, retry, comment);
    }

    /** This event with an id. */
    public ServerSentEvent withId(String newId) {
        return new ServerSentEvent(data, rawData, event, newId, retry, comment);
    }

    /** This event with a reconnection delay (sent in whole milliseconds). */
    public ServerSentEvent withRetry(Duration delay) {
        return new ServerSentEvent(data, rawData, event, id, delay, comment);
    }

    /** This event with a comment. */
    public ServerSentEvent withComment(String text) {
        return new ServerSentEvent(data, rawData, event, id, retry, text);
    }
}
