package dev.coda.internal.server;

import dev.coda.HttpException;
import dev.coda.internal.inject.HttpInput;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/** A Jetty request seen through {@link HttpInput}; reads the body on the calling (virtual) thread. */
final class JettyInput implements HttpInput {

    /** The largest array the JVM reliably allocates. */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final Request request;
    private final long maxBodySize;

    JettyInput(Request request, long maxBodySize) {
        this.request = request;
        this.maxBodySize = maxBodySize;
    }

    @Override
    public String method() {
        return request.getMethod();
    }

    @Override
    public String rawPath() {
        var path = request.getHttpURI().getPath();
        return path == null || path.isEmpty() ? "/" : path;
    }

    @Override
    public String queryString() {
        var query = request.getHttpURI().getQuery();
        return query == null ? "" : query;
    }

    @Override
    public Optional<String> header(String name) {
        return Optional.ofNullable(request.getHeaders().get(name));
    }

    @Override
    public List<String> headers(String name) {
        return request.getHeaders().getValuesList(name);
    }

    @Override
    public Optional<String> cookie(String name) {
        for (var cookie : Request.getCookies(request)) {
            if (cookie.getName().equals(name)) {
                return Optional.of(cookie.getValue());
            }
        }
        return Optional.empty();
    }

    @Override
    public byte[] body() {
        long declared = request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
        if (declared > maxBodySize) {
            throw new HttpException(413, "Content Too Large");
        }
        // Read one byte past the limit to tell "at the limit" from "over it"; the limit is capped first so
        // that neither "+ 1" overflows (Long.MAX_VALUE used to read nothing) nor a body too big for an
        // array is silently cut short.
        int limit = (int) Math.min(maxBodySize, MAX_ARRAY - 1);
        try (var in = Content.Source.asInputStream(request)) {
            var bytes = in.readNBytes(limit + 1);
            if (bytes.length > limit) {
                throw new HttpException(413, "Content Too Large");
            }
            return bytes;
        } catch (IOException e) {
            // The client went away or sent a truncated body: FastAPI's answer, not a logged 500
            throw new HttpException(400, "There was an error parsing the body");
        }
    }

    @Override
    public String remoteAddress() {
        return Request.getRemoteAddr(request) + ":" + Request.getRemotePort(request);
    }

    @Override
    public String scheme() {
        return request.getHttpURI().getScheme() == null ? "http" : request.getHttpURI().getScheme();
    }
}
