package dev.coda.internal.edge;

import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.HostPort;

/**
 * The hosts an app answers for, as Starlette's {@code TrustedHostMiddleware}: a request whose host (its {@code Host}
 * header, or a trusted proxy's forwarded host) matches none of {@code allowed} is answered {@code 400 Invalid host
 * header}; {@code *.example.com} matches every subdomain of it, {@code *} every host. With {@code wwwRedirect}, a
 * request for {@code example.com} where only {@code www.example.com} is allowed is redirected there ({@code 307}).
 *
 * @param allowed host names, {@code *.domain} patterns, or {@code *}
 * @param wwwRedirect whether to redirect to the {@code www.} host when only it is allowed
 */
public record TrustedHosts(List<String> allowed, boolean wwwRedirect) {

    public TrustedHosts {
        allowed = List.copyOf(allowed);
        for (var pattern : allowed) {
            if (pattern.indexOf('*', 1) >= 0 || pattern.startsWith("*") && !pattern.equals("*") && !pattern.startsWith("*.")) {
                throw new IllegalArgumentException("Domain wildcard patterns must be like '*.example.com': " + pattern);
            }
        }
    }

    Handler wrap(Handler next, String rootPath) {
        return allowed.contains("*") ? next : new Check(next, rootPath);
    }

    /**
     * The host a trusted proxy forwarded, else the {@code Host} header's without its port, else {@code ""}: not Jetty's
     * URI host, which it fills with the server's own address when a request has no {@code Host}.
     */
    private static String host(Request request) {
        var forwarded = ProxyHeaders.forwardedHost(request);
        if (forwarded != null) {
            return forwarded;
        }
        var header = request.getHeaders().get(HttpHeader.HOST);
        try {
            return header == null ? "" : new HostPort(header).getHost();
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private final class Check extends Handler.Wrapper {
        private final String rootPath;

        Check(Handler next, String rootPath) {
            super(next);
            this.rootPath = rootPath;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            var uri = request.getHttpURI();
            var host = host(request);
            boolean www = false;
            for (var pattern : allowed) {
                if (host.equals(pattern) || pattern.startsWith("*") && host.endsWith(pattern.substring(1))) {
                    return super.handle(request, response, callback);
                }
                www |= ("www." + host).equals(pattern);
            }
            if (www && wwwRedirect) {
                EdgeAnswer.redirect(response, callback, EdgeUrls.of(uri, uri.getScheme(), "www." + host, uri.getPort(), rootPath));
            } else {
                EdgeAnswer.text(request, response, callback, 400, "Invalid host header");
            }
            return true;
        }
    }
}
