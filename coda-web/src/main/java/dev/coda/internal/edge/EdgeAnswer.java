package dev.coda.internal.edge;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** The answers a layer gives by itself, without the app: Starlette's {@code PlainTextResponse} and {@code RedirectResponse}. */
final class EdgeAnswer {

    private EdgeAnswer() {
    }

    /** {@code status} with {@code body} as {@code text/plain; charset=utf-8} (no body to a {@code HEAD}). */
    static void text(Request request, Response response, Callback callback, int status, String body) {
        var bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        response.write(true, "HEAD".equals(request.getMethod()) ? null : ByteBuffer.wrap(bytes), callback);
    }

    /** {@code 307 Temporary Redirect} to {@code location}, with an empty body: the method and body are kept. */
    static void redirect(Response response, Callback callback, String location) {
        response.setStatus(307);
        response.getHeaders().put(HttpHeader.LOCATION, location);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0);
        response.write(true, null, callback);
    }
}
