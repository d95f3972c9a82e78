package dev.coda.internal.edge;

import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Request;

/** The URL a client asked for, as the layers that redirect and the app's {@code Request.url()} build it. */
public final class EdgeUrls {

    private EdgeUrls() {
    }

    /**
     * {@code request}'s URL with its scheme and authority (as forwarded by a trusted proxy, if any), the root path
     * before its path, and its query.
     */
    public static String of(Request request, String rootPath) {
        var uri = request.getHttpURI();
        return of(uri, uri.getScheme(), uri.getHost(), uri.getPort(), rootPath);
    }

    /** {@code uri} on another scheme, host and port ({@code -1}: none written), with {@code rootPath} before its path. */
    static String of(HttpURI uri, String scheme, String host, int port, String rootPath) {
        var out = new StringBuilder(64).append(scheme).append("://").append(host);
        if (port > 0) {
            out.append(':').append(port);
        }
        var path = uri.getPath();
        out.append(rootPath);
        escaped(out, path == null || path.isEmpty() ? "/" : path);
        if (uri.getQuery() != null) {
            escaped(escaped(out, "?"), uri.getQuery());
        }
        return out.toString();
    }

    /**
     * Appends {@code raw}, percent-encoding what a client may send but a URL may not hold ({@code |}, {@code {},
     * non-ASCII, a {@code %} without two hex digits), so that the result is a valid {@code java.net.URI}.
     */
    private static StringBuilder escaped(StringBuilder out, String raw) {
        for (int i = 0; i < raw.length(); ) {
            int c = raw.codePointAt(i);
            i += Character.charCount(c);
            boolean escape = c <= 0x20 || c >= 0x7f || "\"<>\\^`{|}[]".indexOf(c) >= 0
                    || c == '%' && !(hex(raw, i) && hex(raw, i + 1));
            if (!escape) {
                out.append((char) c);
                continue;
            }
            for (byte b : new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8)) {
                out.append('%').append(HEX.charAt((b >> 4) & 0xF)).append(HEX.charAt(b & 0xF));
            }
        }
        return out;
    }

    private static final String HEX = "0123456789ABCDEF";

    private static boolean hex(String s, int i) {
        return i < s.length() && Character.digit(s.charAt(i), 16) >= 0;
    }
}
