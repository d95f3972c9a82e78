package dev.coda.internal.edge;

import java.util.List;
import java.util.function.Function;
import org.eclipse.jetty.server.Handler;

/**
 * The Jetty handlers around the application, in a fixed order (outermost first): the access log, compression,
 * CORS, then the app's own Jetty handlers in the order they were added. An app without any has no layer at all.
 *
 * @param accessLog whether to log one line per request
 * @param compression the compression settings, or {@code null} for none
 * @param cors the CORS policy, or {@code null} for none
 * @param handlers the app's own wrappers, first added = outermost
 */
public record Edge(boolean accessLog, Compression compression, CorsHandler.Policy cors, List<Function<Handler, Handler>> handlers) {

    /** Whether there is no layer: the app is Jetty's handler itself. */
    public boolean isEmpty() {
        return !accessLog && compression == null && cors == null && handlers.isEmpty();
    }

    /** {@code app} inside the layers. */
    public Handler wrap(Handler app) {
        var handler = app;
        for (int i = handlers.size() - 1; i >= 0; i--) {
            handler = handlers.get(i).apply(handler);
        }
        if (cors != null) {
            handler = new CorsHandler(cors, handler);
        }
        if (compression != null) {
            handler = compression.wrap(handler);
        }
        if (accessLog) {
            handler = new AccessLog(handler);
        }
        return handler;
    }
}
