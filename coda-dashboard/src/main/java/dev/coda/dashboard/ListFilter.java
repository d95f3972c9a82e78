package dev.coda.dashboard;

import dev.coda.HttpException;
import dev.coda.durable.DurableState;
import dev.coda.durable.spi.TaskQuery;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * The list's filters as the form sends them (blank fields mean "any"), and the {@link TaskQuery} they make. Times are
 * UTC: an ISO instant ({@code 2026-12-04T12:00:00Z}) or what a {@code datetime-local} field sends ({@code 2026-12-04T12:00}).
 */
record ListFilter(DurableState state, String queue, String name, String from, String before) {

    static ListFilter of(String state, String queue, String name, String from, String before) {
        return new ListFilter(state(state), blankless(queue), blankless(name), blankless(from), blankless(before));
    }

    TaskQuery query(int limit, String after) {
        var query = TaskQuery.newest(limit).createdBetween(instant(from, "from"), instant(before, "before"));
        if (state != null) {
            query = query.inStates(state);
        }
        if (queue != null) {
            query = query.inQueue(queue);
        }
        if (name != null) {
            query = query.named(name);
        }
        return after == null || after.isBlank() ? query : query.after(after);
    }

    /** The query string of these filters, without a cursor ({@code state=failed&queue=mail}), percent-encoded. */
    String queryString() {
        var out = new StringBuilder();
        append(out, "state", state == null ? null : CountsView.css(state));
        append(out, "queue", queue);
        append(out, "name", name);
        append(out, "from", from);
        append(out, "before", before);
        return out.toString();
    }

    private static void append(StringBuilder out, String key, String value) {
        if (value != null) {
            out.append(out.isEmpty() ? "" : "&").append(key).append('=').append(Html.query(value));
        }
    }

    private static DurableState state(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return DurableState.valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new HttpException(400, "no such state: " + text);
        }
    }

    private static Instant instant(String text, String what) {
        if (text == null) {
            return null;
        }
        try {
            return text.endsWith("Z") ? Instant.parse(text) : LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new HttpException(400, what + " is not a time (2026-12-04T12:00 or 2026-12-04T12:00:00Z): " + text);
        }
    }

    private static String blankless(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}
