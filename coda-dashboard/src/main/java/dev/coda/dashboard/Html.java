package dev.coda.dashboard;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The one escaping function of the dashboard's HTML ({@link #esc}), through which every value from the engine (names,
 * queues, arguments, errors, ids, cursors) goes before it reaches a page; plus the formats the pages share.
 */
final class Html {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter SHORT = DateTimeFormatter.ofPattern("MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private Html() {
    }

    /**
     * Text or an attribute value made inert: {@code & < > " '} become character references (coda-web's escaping of its
     * own pages); {@code null} becomes empty.
     */
    static String esc(Object value) {
        return value == null ? "" : dev.coda.internal.docs.Html.text(value.toString());
    }

    /** A query parameter's value, percent-encoded (then escaped where it goes into an attribute). */
    static String query(String value) {
        return URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8);
    }

    /** An instant as the pages show it (UTC, to the second), escaped; a dash for none. */
    static String time(Instant instant) {
        return instant == null ? "–" : "<time datetime=\"" + esc(instant) + "\">" + TIME.format(instant) + "</time>";
    }

    /** An instant in a table's narrow column (month, day and time, UTC), the whole of it in its tooltip. */
    static String shortTime(Instant instant) {
        return instant == null ? "–" : "<time datetime=\"" + esc(instant) + "\" title=\"" + TIME.format(instant) + "\">"
                + SHORT.format(instant) + "</time>";
    }
}
