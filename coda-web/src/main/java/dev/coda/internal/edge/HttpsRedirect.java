package dev.coda.internal.edge;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Starlette's {@code HTTPSRedirectMiddleware}: a request that came over plain HTTP (as seen by the server, or as a
 * trusted proxy forwarded it) is answered {@code 307} to the same URL on {@code https}; ports 80 and 443 are dropped
 * from it, another port is kept. (Starlette's {@code ws} to {@code wss} waits for WebSockets, which Coda does not serve.)
 */
final class HttpsRedirect extends Handler.Wrapper {

    private final String rootPath;

    HttpsRedirect(Handler next, String rootPath) {
        super(next);
        this.rootPath = rootPath;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (request.isSecure()) {
            return super.handle(request, response, callback);
        }
        var uri = request.getHttpURI();
        int port = uri.getPort() == 80 || uri.getPort() == 443 ? -1 : uri.getPort();
        EdgeAnswer.redirect(response, callback, EdgeUrls.of(uri, "https", uri.getHost(), port, rootPath));
        return true;
    }
}
