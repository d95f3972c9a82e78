package dev.coda.internal.edge;

import java.util.List;
import java.util.function.Function;
import org.eclipse.jetty.server.Handler;

/**
 * The Jetty handlers around the application, in a fixed order (outermost first): forwarded headers from trusted
 * proxies, the access log, trusted hosts, the HTTPS redirect, compression, CORS, then the app's own Jetty handlers in
 * the order they were added. An app without any has no layer at all.
 *
 * @param proxyHeaders the trusted proxies, or {@code null}: forwarded headers are ignored
 * @param accessLog whether to log one line per request
 * @param trustedHosts the hosts answered for, or {@code null} for any
 * @param httpsRedirect whether plain HTTP requests are redirected to HTTPS
 * @param compression the compression settings, or {@code null} for none
 * @param cors the CORS policy, or {@code null} for none
 * @param handlers the app's own wrappers, first added = outermost
 * @param rootPath the prefix a proxy serves the app under ({@code ""} for none), for the redirects' URLs
 */
public record Edge(ProxyHeaders proxyHeaders, boolean accessLog, TrustedHosts trustedHosts, boolean httpsRedirect, Compression compression,
                   CorsHandler.Policy cors, List<Function<Handler, Handler>> handlers, String rootPath) {

    /** Whether there is no layer: the app is Jetty's handler itself. */
    public boolean isEmpty() {
        return proxyHeaders == null && !accessLog && trustedHosts == null && !httpsRedirect && compression == null && cors == null
                && handlers.isEmpty();
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
        if (httpsRedirect) {
            handler = new HttpsRedirect(handler, rootPath);
        }
        if (trustedHosts != null) {
            handler = trustedHosts.wrap(handler, rootPath);
        }
        if (accessLog) {
            handler = new AccessLog(handler);
        }
        if (proxyHeaders != null) {
            handler = proxyHeaders.wrap(handler);
        }
        return handler;
    }
}
