package dev.coda.internal.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coda.ServerSentEvent;
import java.nio.charset.StandardCharsets;

/** The {@code text/event-stream} wire format of one event (WHATWG HTML, "Server-sent events"), in FastAPI's field order. */
public final class SseFormat {

    /** FastAPI's keep-alive comment. */
    public static final byte[] PING = ": ping\n\n".getBytes(StandardCharsets.UTF_8);

    private SseFormat() {
    }

    /** The event's bytes, ending with the blank line that dispatches it. */
    public static byte[] format(ServerSentEvent event, ObjectMapper mapper) throws JsonProcessingException {
        var out = new StringBuilder(64);
        if (event.comment() != null) {
            lines(out, ":", event.comment());
        }
        if (event.event() != null) {
            out.append("event: ").append(event.event()).append('\n');
        }
        var data = event.rawData() != null ? event.rawData() : event.data() != null ? mapper.writeValueAsString(event.data()) : null;
        if (data != null) {
            lines(out, "data:", data);
        }
        if (event.id() != null) {
            out.append("id: ").append(event.id()).append('\n');
        }
        if (event.retry() != null) {
            out.append("retry: ").append(event.retry().toMillis()).append('\n');
        }
        return out.append('\n').toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * One {@code field: line} per line of {@code text}, split at CR LF, LF or CR as a client splits them, so that the
     * text arrives whole (an empty text is one empty line; a trailing line break, one more).
     */
    private static void lines(StringBuilder out, String field, String text) {
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                out.append(field).append(' ').append(text, start, i).append('\n');
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        out.append(field).append(' ').append(text, start, text.length()).append('\n');
    }
}
