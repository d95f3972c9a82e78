package dev.coda.internal.server;

import dev.coda.Request;
import dev.coda.Response;
import dev.coda.internal.docs.Tagged;
import java.util.function.Supplier;

/**
 * The routes an app serves about itself, compiled like the app's own but left out of its document: the OpenAPI
 * document (built on first use, then served with an {@code ETag}).
 */
public final class DocsRoutes {

    private final Supplier<Tagged> served;

    DocsRoutes(Supplier<byte[]> document) {
        this.served = Tagged.once(document);
    }

    /** {@code GET /openapi.json}: the document, or {@code 304} when the client has it. */
    public Response openapi(Request request) {
        return served.get().answer(request, "application/json", "no-cache");
    }
}
