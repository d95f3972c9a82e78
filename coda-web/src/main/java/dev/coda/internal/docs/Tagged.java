package dev.coda.internal.docs;

import dev.coda.Request;
import dev.coda.Response;
import dev.coda.internal.Once;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Supplier;
import org.eclipse.jetty.http.QuotedCSV;

/**
 * A body served with a strong {@code ETag} made from its bytes, and the conditional {@code GET} that goes with it:
 * {@code 304 Not Modified} when the client's {@code If-None-Match} names that tag.
 *
 * <pre>{@code
 * var served = Tagged.once(() -> render());            // rendered and hashed on first use
 * return served.get().answer(request, "application/json", "no-cache");
 * }</pre>
 *
 * @param body the bytes served (not copied: nobody writes to them)
 * @param etag the quoted tag, from the bytes' SHA-256
 */
public record Tagged(byte[] body, String etag) {

    /** {@code body} with its tag. */
    public static Tagged of(byte[] body) {
        return new Tagged(body, "\"" + sha256(body).substring(0, 32) + "\"");
    }

    /** {@code body}, read and tagged on first use only, then the same for every call (and every thread). */
    public static Supplier<Tagged> once(Supplier<byte[]> body) {
        return new Once<>(() -> of(body.get()));
    }

    /** {@code 200} with the body, or a bodiless {@code 304} when the client has it; both with the tag and {@code cacheControl}. */
    public Response answer(Request request, String contentType, String cacheControl) {
        var answer = request.header("If-None-Match").filter(tags -> matches(tags, etag)).isPresent()
                ? Response.empty(304)
                : Response.bytes(body, contentType);
        return answer.header("ETag", etag).header("Cache-Control", cacheControl);
    }

    /**
     * Whether an {@code If-None-Match} list names {@code etag} (or is {@code *}); weak validators compare alike. The list
     * is read by Jetty's {@code QuotedCSV}, as Jetty's {@code ResourceService} reads it for file responses.
     */
    static boolean matches(String ifNoneMatch, String etag) {
        for (var tag : new QuotedCSV(true, ifNoneMatch)) {
            if (tag.equals("*") || tag.equals(etag) || tag.equals("W/" + etag)) {
                return true;
            }
        }
        return false;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
