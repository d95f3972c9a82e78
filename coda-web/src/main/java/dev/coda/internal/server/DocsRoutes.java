package dev.coda.internal.server;

import dev.coda.Request;
import dev.coda.Response;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Supplier;

/**
 * The routes an app serves about itself, compiled like the app's own but left out of its document: the OpenAPI
 * document (built on first use, then served with an {@code ETag}).
 */
public final class DocsRoutes {

    private final Supplier<byte[]> document;
    private volatile Served served;

    private record Served(byte[] body, String etag) {
    }

    DocsRoutes(Supplier<byte[]> document) {
        this.document = document;
    }

    /** {@code GET /openapi.json}: the document, or {@code 304} when the client has it. */
    public Response openapi(Request request) {
        var current = served();
        if (request.header("If-None-Match").filter(tags -> matches(tags, current.etag())).isPresent()) {
            return Response.empty(304).header("ETag", current.etag());
        }
        return Response.bytes(current.body(), "application/json").header("ETag", current.etag())
                .header("Cache-Control", "no-cache");
    }

    private Served served() {
        var current = served;
        if (current == null) {
            synchronized (this) {
                current = served;
                if (current == null) {
                    var body = document.get();
                    current = new Served(body, "\"" + sha256(body).substring(0, 32) + "\"");
                    served = current;
                }
            }
        }
        return current;
    }

    /** Whether an {@code If-None-Match} list names {@code etag} (or is {@code *}); weak validators compare alike. */
    static boolean matches(String ifNoneMatch, String etag) {
        for (var tag : ifNoneMatch.split(",")) {
            var t = tag.strip();
            if (t.equals("*") || t.equals(etag) || t.equals("W/" + etag)) {
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
