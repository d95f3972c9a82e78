package dev.coda.dashboard;

import dev.coda.Middleware;
import dev.coda.Request;
import dev.coda.Response;

/**
 * The headers every dashboard answer carries: a Content Security Policy that lets the page load only this jar's script
 * and style sheet from its own host (no inline script, no other host), and no framing, sniffing or referrer leaks.
 */
final class SecurityHeaders implements Middleware {

    static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    @Override
    public Response handle(Request request, Chain chain) throws Exception {
        return chain.proceed()
                .header("Content-Security-Policy", POLICY)
                .header("X-Content-Type-Options", "nosniff")
                .header("X-Frame-Options", "DENY")
                .header("Referrer-Policy", "same-origin")
                .header("Cache-Control", "no-store");
    }
}
