package dev.coda.internal.edge;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * CORS as Starlette 1.x's {@code CORSMiddleware} answers it, header for header: preflights answered here, the
 * other requests' responses given the simple headers just before they are committed.
 */
public final class CorsHandler extends Handler.Wrapper {

    /** Every method, as Starlette expands {@code "*"}. */
    private static final List<String> ALL_METHODS = List.of("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "QUERY");
    private static final Set<String> SAFELISTED_HEADERS = Set.of("Accept", "Accept-Language", "Content-Language", "Content-Type");
    private static final String PREFLIGHT_VARY =
            "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network";

    /** The settings of {@code dev.coda.Cors.Builder}. */
    public record Policy(List<String> allowOrigins, Pattern allowOriginRegex, List<String> allowMethods, List<String> allowHeaders,
                         boolean allowCredentials, boolean allowPrivateNetwork, List<String> exposeHeaders, long maxAge) {
    }

    private final Policy policy;
    private final List<String> allowMethods;
    private final Set<String> allowHeadersLower = new java.util.HashSet<>();
    private final boolean allowAllOrigins;
    private final boolean allowAllHeaders;
    private final boolean explicitOrigin;
    private final Map<String, String> simpleHeaders = new LinkedHashMap<>();
    private final Map<String, String> preflightHeaders = new LinkedHashMap<>();

    public CorsHandler(Policy policy, Handler next) {
        super(next);
        this.policy = policy;
        this.allowMethods = policy.allowMethods().contains("*") ? ALL_METHODS : policy.allowMethods();
        this.allowAllOrigins = policy.allowOrigins().contains("*");
        this.allowAllHeaders = policy.allowHeaders().contains("*");
        this.explicitOrigin = !allowAllOrigins || policy.allowCredentials();
        if (allowAllOrigins) {
            simpleHeaders.put("Access-Control-Allow-Origin", "*");
        }
        if (policy.allowCredentials()) {
            simpleHeaders.put("Access-Control-Allow-Credentials", "true");
        }
        if (!policy.exposeHeaders().isEmpty()) {
            simpleHeaders.put("Access-Control-Expose-Headers", String.join(", ", policy.exposeHeaders()));
        }
        preflightHeaders.put("Vary", PREFLIGHT_VARY);
        if (!explicitOrigin) {
            preflightHeaders.put("Access-Control-Allow-Origin", "*");
        }
        preflightHeaders.put("Access-Control-Allow-Methods", String.join(", ", allowMethods));
        preflightHeaders.put("Access-Control-Max-Age", Long.toString(policy.maxAge()));
        // Starlette sorts the union of the safelisted headers and the allowed ones by their exact (case-sensitive) text
        var headers = new TreeSet<>(SAFELISTED_HEADERS);
        headers.addAll(policy.allowHeaders());
        if (!allowAllHeaders) {
            preflightHeaders.put("Access-Control-Allow-Headers", String.join(", ", headers));
        }
        if (policy.allowCredentials()) {
            preflightHeaders.put("Access-Control-Allow-Credentials", "true");
        }
        for (var header : headers) {
            allowHeadersLower.add(header.toLowerCase(Locale.ROOT));
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        var fields = request.getHeaders();
        var origin = fields.get(HttpHeader.ORIGIN);
        if (origin != null && "OPTIONS".equals(request.getMethod()) && fields.contains(HttpHeader.ACCESS_CONTROL_REQUEST_METHOD)) {
            preflight(fields, origin, response, callback);
            return true;
        }
        return super.handle(request, new Simple(request, response, origin), callback);
    }

    private void preflight(HttpFields request, String origin, Response response, Callback callback) {
        var headers = new LinkedHashMap<>(preflightHeaders);
        var failures = new ArrayList<String>(4);
        if (allowed(origin)) {
            if (explicitOrigin) {
                headers.put("Access-Control-Allow-Origin", origin);
            }
        } else {
            failures.add("origin");
        }
        if (!allowMethods.contains(request.get(HttpHeader.ACCESS_CONTROL_REQUEST_METHOD))) {
            failures.add("method");
        }
        var requestedHeaders = request.get(HttpHeader.ACCESS_CONTROL_REQUEST_HEADERS);
        if (allowAllHeaders && requestedHeaders != null) {
            headers.put("Access-Control-Allow-Headers", requestedHeaders);
        } else if (requestedHeaders != null) {
            for (var header : requestedHeaders.split(",", -1)) {
                if (!allowHeadersLower.contains(header.toLowerCase(Locale.ROOT).strip())) {
                    failures.add("headers");
                    break;
                }
            }
        }
        if (request.get("Access-Control-Request-Private-Network") != null) {
            if (policy.allowPrivateNetwork()) {
                headers.put("Access-Control-Allow-Private-Network", "true");
            } else {
                failures.add("private-network");
            }
        }
        headers.forEach(response.getHeaders()::put);
        EdgeAnswer.text(response.getRequest(), response, callback, failures.isEmpty() ? 200 : 400,
                failures.isEmpty() ? "OK" : "Disallowed CORS " + String.join(", ", failures));
    }

    private boolean allowed(String origin) {
        return allowAllOrigins
                || policy.allowOriginRegex() != null && policy.allowOriginRegex().matcher(origin).matches()
                || policy.allowOrigins().contains(origin);
    }

    /** Starlette's {@code send} for a simple request: the CORS headers set on the response head before it goes. */
    private void simpleHeaders(HttpFields.Mutable headers, String origin) {
        if (origin != null) {
            simpleHeaders.forEach(headers::put);
        }
        if (origin != null && (allowAllOrigins && policy.allowCredentials() || !allowAllOrigins && allowed(origin))) {
            headers.put("Access-Control-Allow-Origin", origin);
        }
        var vary = new ArrayList<String>(headers.getValuesList(HttpHeader.VARY));
        vary.add("Origin");
        headers.put(new HttpField(HttpHeader.VARY, String.join(", ", vary)));
    }

    /** The response of a simple request: adds the CORS headers at its first write, when the app's headers are final. */
    private final class Simple extends Response.Wrapper {
        private final String origin;
        private boolean done;

        Simple(Request request, Response response, String origin) {
            super(request, response);
            this.origin = origin;
        }

        @Override
        public void write(boolean last, ByteBuffer content, Callback callback) {
            if (!done) {
                done = true;
                if (!isCommitted()) {
                    simpleHeaders(getHeaders(), origin);
                }
            }
            super.write(last, content, callback);
        }
    }
}
