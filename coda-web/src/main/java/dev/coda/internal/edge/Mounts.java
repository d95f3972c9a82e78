package dev.coda.internal.edge;

import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;

/**
 * Starlette's {@code Mount} for sub-applications and Jetty handlers: a request whose path is below a prefix goes to
 * the handler mounted there, with the prefix taken off its path; the prefix itself is redirected ({@code 307}) to
 * the prefix and a slash, as Starlette's {@code redirect_slashes} does; any other request goes to the app.
 */
public final class Mounts extends Handler.Wrapper {

    private final Map<String, Handler> mounted;
    private final String rootPath;

    /** {@code mounted}: the handlers by prefix (no trailing slash), which the server starts and stops with the app. */
    public Mounts(Handler app, Map<String, Handler> mounted, String rootPath) {
        super(app);
        this.mounted = new LinkedHashMap<>(mounted);
        this.rootPath = rootPath;
        this.mounted.values().forEach(this::addBean);
    }

    @Override
    public void setServer(Server server) {
        super.setServer(server);
        mounted.values().forEach(handler -> handler.setServer(server));
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        var uri = request.getHttpURI();
        var path = uri.getPath() == null ? "/" : uri.getPath();
        for (var mount : mounted.entrySet()) {
            var prefix = mount.getKey();
            if (!path.startsWith(prefix)) {
                continue;
            }
            if (path.length() == prefix.length()) {
                EdgeAnswer.redirect(response, callback, rootPath + prefix + "/" + (uri.getQuery() == null ? "" : "?" + uri.getQuery()));
                return true;
            }
            if (path.charAt(prefix.length()) == '/') {
                return mount.getValue().handle(new Below(request, prefix), response, callback);
            }
        }
        return super.handle(request, response, callback);
    }

    /** The request as the mounted handler sees it: its path without the prefix. */
    private static final class Below extends Request.Wrapper {
        private final HttpURI uri;

        Below(Request request, String prefix) {
            super(request);
            var original = request.getHttpURI();
            var rawPath = original.getPath();
            this.uri = HttpURI.build(original).path(rawPath.substring(prefix.length())).asImmutable();
        }

        @Override
        public HttpURI getHttpURI() {
            return uri;
        }
    }
}
