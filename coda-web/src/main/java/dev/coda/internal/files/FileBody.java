package dev.coda.internal.files;

import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.util.resource.Resource;
import org.eclipse.jetty.util.resource.ResourceFactory;

/**
 * The body of a file response ({@code Response.file}, a static file): where the bytes are, never the bytes. The
 * server sends it with Jetty's file machinery (ranges, conditional requests, pooled buffers), when it writes the answer.
 *
 * <pre>{@code
 * var body = FileBody.of(Path.of("report.pdf"), null, "attachment", "Report 2026.pdf");
 * body.contentType();            // "application/pdf"
 * body.disposition();            // attachment; filename*=utf-8''Report%202026.pdf
 * }</pre>
 *
 * @param file where the bytes are: a file of the file system, or of a jar on the class path
 * @param name the file's name, for messages
 * @param contentType the media type sent
 * @param disposition the {@code Content-Disposition} header, or {@code null} for none
 */
public record FileBody(Resource file, String name, String contentType, String disposition) {

    /** The media type of names whose extension nobody knows: bytes, which a browser downloads rather than shows. */
    static final String UNKNOWN = "application/octet-stream";

    /**
     * A file of the file system.
     *
     * @param contentType the media type, or {@code null} for the one its name (or {@code filename}) suggests
     * @param dispositionType {@code attachment} or {@code inline}, used only with a {@code filename}
     * @param filename the name the client should save it under, or {@code null} for no {@code Content-Disposition}
     */
    public static FileBody of(Path path, String contentType, String dispositionType, String filename) {
        var absolute = path.toAbsolutePath().normalize();
        var type = contentType != null ? contentType : contentTypeOf(filename != null ? filename : String.valueOf(absolute.getFileName()));
        return new FileBody(resource(absolute), absolute.toString(), type,
                filename == null ? null : disposition(dispositionType, filename));
    }

    /** A resource found under a static mount, sent inline with the media type of its name. */
    static FileBody of(Resource resource) {
        return new FileBody(resource, String.valueOf(resource.getFileName()), contentTypeOf(resource.getFileName()), null);
    }

    /** Whether there is a regular file to send (it may have gone since the path operation named it). */
    public boolean exists() {
        return file != null && file.exists() && !file.isDirectory();
    }

    /** Whether it names a directory, which no file response can send. */
    public boolean isDirectory() {
        return file != null && file.isDirectory();
    }

    /**
     * Starlette's media type of a name, from its extension (Jetty's table); text gets {@code charset=utf-8} as Starlette
     * adds it; an unknown extension is {@code application/octet-stream} where Starlette says {@code text/plain}.
     */
    public static String contentTypeOf(String name) {
        var type = name == null ? null : MimeTypes.DEFAULTS.getMimeByExtension(name.toLowerCase(Locale.ROOT));
        if (type == null) {
            return UNKNOWN;
        }
        return type.startsWith("text/") && !type.contains("charset=") ? type + ";charset=utf-8" : type;
    }

    /**
     * Starlette's {@code Content-Disposition}: {@code attachment; filename="name"} for a name Python's {@code quote}
     * leaves as it is, else {@code attachment; filename*=utf-8''<percent-encoded UTF-8>} (RFC 6266/5987).
     */
    static String disposition(String type, String filename) {
        var quoted = quote(filename);
        return quoted.equals(filename) ? type + "; filename=\"" + filename + "\"" : type + "; filename*=utf-8''" + quoted;
    }

    /** Python's {@code urllib.parse.quote} with its default safe {@code /}: letters, digits and {@code _.-~/} stay. */
    static String quote(String s) {
        var encoded = URLEncoder.encode(s, StandardCharsets.UTF_8);
        return encoded.replace("+", "%20").replace("*", "%2A").replace("%7E", "~").replace("%2F", "/");
    }

    /** A path as Jetty's resource, or {@code null} for a name the file system cannot hold (no such file either way). */
    private static Resource resource(Path path) {
        try {
            return ResourceFactory.root().newResource(path);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            return null;
        }
    }
}
