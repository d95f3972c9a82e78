package dev.coda.internal.server;

import dev.coda.HttpException;
import dev.coda.internal.inject.HttpInput;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/** A Jetty request seen through {@link HttpInput}; reads the body on the calling (virtual) thread. */
final class JettyInput implements HttpInput {

    /** The largest array the JVM reliably allocates. */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    /** The most a declared Content-Length makes the body buffer start at. */
    private static final int PRESIZE_CAP = 1 << 16;

    private final Request request;
    private final Settings settings;

    JettyInput(Request request, Settings settings) {
        this.request = request;
        this.settings = settings;
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

    /**
     * Reads the whole body: {@code 413} past the size limit, {@code 408} when it falls behind the minimum rate
     * ({@link Settings#bodyAllowanceNanos}), {@code 400} when the client sends a truncated body or goes away.
     */
    @Override
    public byte[] body() {
        long declared = request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
        if (declared > settings.maxRequestBodySize()) {
            throw new HttpException(413, "Content Too Large");
        }
        // Capped so that a body too big for an array is answered 413 rather than cut short
        int limit = (int) Math.min(settings.maxRequestBodySize(), MAX_ARRAY);
        // A declared length is the client's word: presize for it, but not so far that a lie costs memory
        var body = new byte[(int) Math.min(Math.max(declared, 0), Math.min(limit, PRESIZE_CAP))];
        int size = 0;
        long firstRead = System.nanoTime();
        while (true) {
            var chunk = request.read();
            if (chunk == null) {
                awaitContent(System.nanoTime() - firstRead, size);
                continue;
            }
            try {
                if (Content.Chunk.isFailure(chunk)) {
                    if (chunk.getFailure() instanceof TimeoutException) {
                        throw new HttpException(408);   // Jetty's idle timeout, when set below the grace
                    }
                    // The client went away or sent a truncated body: FastAPI's answer, not a logged 500
                    throw new HttpException(400, "There was an error parsing the body");
                }
                var bytes = chunk.getByteBuffer();
                int n = bytes.remaining();
                if (n > limit - size) {
                    throw new HttpException(413, "Content Too Large");
                }
                if (n > body.length - size) {
                    body = Arrays.copyOf(body, (int) Math.min(limit, Math.max(2L * body.length, (long) size + n)));
                }
                bytes.get(body, size, n);
                size += n;
                if (chunk.isLast()) {
                    return size == body.length ? body : Arrays.copyOf(body, size);
                }
            } finally {
                chunk.release();
            }
        }
    }

    /** Waits for more of the body, as long as the minimum rate allows for the bytes received so far. */
    private void awaitContent(long elapsed, int received) {
        long wait = settings.bodyAllowanceNanos(received) - elapsed;
        if (wait <= 0) {
            throw new HttpException(408);
        }
        var available = new CountDownLatch(1);
        request.demand(available::countDown);
        try {
            if (!available.await(wait, TimeUnit.NANOSECONDS)) {
                // The pending demand is left behind: the 408 closes the connection, which ends it
                throw new HttpException(408);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HttpException(400, "There was an error parsing the body");
        }
    }

    @Override
    public dev.coda.internal.inject.FormData multipart(String contentType) {
        return MultipartForm.parse(request, contentType, settings);
    }

    @Override
    public String remoteAddress() {
        return Request.getRemoteAddr(request) + ":" + Request.getRemotePort(request);
    }

    @Override
    public String url() {
        return dev.coda.internal.edge.EdgeUrls.of(request, settings.rootPath());
    }

    @Override
    public String rootPath() {
        return settings.rootPath();
    }
}
