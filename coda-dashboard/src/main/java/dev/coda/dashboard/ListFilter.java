package dev.coda.dashboard;

import dev.coda.HttpException;
import dev.coda.durable.DurableState;
import dev.coda.durable.spi.TaskQuery;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The list's filters as the form sends them (blank fields mean "any"), and the {@link TaskQuery} they make. Times are
 * UTC: an ISO instant ({@code 2026-12-04T12:00:00Z}) or what a {@code datetime-local} field sends ({@code 2026-12-04T12:00}).
 * {@code error} and {@code args} are text the last error or the arguments contain, any case.
 */
record ListFilter(DurableState state, String queue, String name, String from, String before, String error, String args) {

    static ListFilter of(String state, String queue, String name, String from, String before, String error, String args) {
        return new ListFilter(state(state), blankless(queue), blankless(name), blankless(from), blankless(before), blankless(error),
                blankless(args));
    }

    /** These filters created before {@code time} at the latest: a bulk action leaves tasks stored after its dry run alone. */
    ListFilter createdBy(Instant time) {
        var bound = instant(before, "before");
        return bound != null && bound.isBefore(time) ? this : new ListFilter(state, queue, name, from, time.toString(), error, args);
    }

    TaskQuery query(int limit, String after) {
        var query = TaskQuery.newest(limit).createdBetween(instant(from, "from"), instant(before, "before"))
                .errorContaining(error).argumentsContaining(args);
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

    /** The filters that are set, by their field's name, in the form's order. */
    private Map<String, String> fields() {
        var fields = new LinkedHashMap<String, String>();
        var values = new String[] {state == null ? null : CountsView.css(state), queue, name, from, before, error, args};
        var names = new String[] {"state", "queue", "name", "from", "before", "error", "args"};
        for (int i = 0; i < names.length; i++) {
            if (values[i] != null) {
                fields.put(names[i], values[i]);
            }
        }
        return fields;
    }

    /** The query string of these filters, without a cursor ({@code state=failed&queue=mail}), percent-encoded. */
    String queryString() {
        var out = new StringBuilder();
        fields().forEach((key, value) -> out.append(out.isEmpty() ? "" : "&").append(key).append('=').append(Html.query(value)));
        return out.toString();
    }

    /** These filters as hidden fields of a form. */
    String hiddenFields() {
        var html = new StringBuilder();
        fields().forEach((key, value) -> html.append("<input type=\"hidden\" name=\"").append(key).append("\" value=\"")
                .append(Html.esc(value)).append("\">"));
        return html.toString();
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
