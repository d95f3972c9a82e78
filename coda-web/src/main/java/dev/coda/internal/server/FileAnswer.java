package dev.coda.internal.server;

import dev.coda.internal.files.FileBody;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.ByteRange;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.content.HttpContent;
import org.eclipse.jetty.http.content.ResourceHttpContent;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.ResourceService;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Writes a file outcome with Jetty's {@link ResourceService}: {@code Content-Length}, {@code Last-Modified}, Jetty's
 * weak {@code ETag}, conditional requests ({@code If-None-Match}, {@code If-Modified-Since} → 304, {@code If-Match},
 * {@code If-Unmodified-Since} → 412), byte ranges ({@code 206}, several as {@code multipart/byteranges}, {@code 416}
 * with {@code Content-Range: bytes *}{@code /size} past the end), the bytes read into pooled buffers as the client
 * takes them. Coda adds what Jetty leaves out: errors as FastAPI's JSON, {@code If-Range} (Starlette's rule), and
 * HEAD without reading the file.
 */
final class FileAnswer extends ResourceService {

    /** The size of the pooled buffers a file is read into. */
    private static final int BUFFER_SIZE = 64 * 1024;

    FileAnswer() {
        setEtags(true);
        setAcceptRanges(true);
        setDirAllowed(false);
    }

    void write(FileBody body, Request request, Response response, Callback callback) {
        var pool = new ByteBufferPool.Sized(request.getComponents().getByteBufferPool(), true, BUFFER_SIZE);
        HttpContent content = new ResourceHttpContent(body.file(), body.contentType(), pool);
        if ("HEAD".equals(request.getMethod())) {
            content = new Headless(content);
        }
        try {
            doGet(new AsFile(request, content), response, callback, content);
        } catch (RuntimeException e) {
            if (!response.isCommitted()) {
                writeHttpError(request, response, callback, e);
            } else {
                callback.failed(e);
            }
        }
    }

    @Override
    protected void writeHttpError(Request request, Response response, Callback callback, int status) {
        writeHttpError(request, response, callback, status, null, null);
    }

    @Override
    protected void writeHttpError(Request request, Response response, Callback callback, Throwable cause) {
        writeHttpError(request, response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500, null, cause);
    }

    /** A bodiless 304, or FastAPI's {@code {"detail": reason}}; the headers Jetty set for it (Content-Range of a 416) stay. */
    @Override
    protected void writeHttpError(Request request, Response response, Callback callback, int status, String message, Throwable cause) {
        response.setStatus(status);
        var headers = response.getHeaders();
        headers.remove(HttpHeader.CONTENT_TYPE);
        if (status == HttpStatus.NOT_MODIFIED_304) {
            headers.remove(HttpHeader.CONTENT_LENGTH);
            response.write(true, null, callback);
            return;
        }
        headers.remove(HttpHeader.CONTENT_DISPOSITION);
        headers.remove(HttpHeader.LAST_MODIFIED);
        headers.remove(HttpHeader.ETAG);
        var json = ("{\"detail\":\"" + HttpStatus.getMessage(status) + "\"}").getBytes(StandardCharsets.UTF_8);
        headers.put(HttpHeader.CONTENT_TYPE, "application/json");
        headers.put(HttpHeader.CONTENT_LENGTH, json.length);
        response.write(true, "HEAD".equals(request.getMethod()) ? null : ByteBuffer.wrap(json), callback);
    }

    /**
     * After Jetty's conditional checks, a Range that no byte of the file satisfies is answered here, {@code 416} with
     * {@code Content-Range: bytes *}{@code /size}, where Jetty would hand it to the server's error page.
     */
    @Override
    protected boolean handleConditionalHeaders(Request request, Response response, HttpContent content, Callback callback)
            throws IOException {
        if (super.handleConditionalHeaders(request, response, content, callback)) {
            return true;
        }
        var ranges = request.getHeaders().getValuesList(HttpHeader.RANGE);
        if (ranges.isEmpty() || !ByteRange.parse(ranges, content.getContentLengthValue()).isEmpty()) {
            return false;
        }
        response.getHeaders().put(HttpHeader.CONTENT_RANGE, ByteRange.toNonSatisfiableHeaderValue(content.getContentLengthValue()));
        writeHttpError(request, response, callback, HttpStatus.RANGE_NOT_SATISFIABLE_416);
        return true;
    }

    /** Whether a Range applies: without If-Range, or when it names the file's ETag or Last-Modified exactly (Starlette's rule). */
    private static boolean rangeApplies(HttpFields headers, HttpContent content) {
        var ifRange = headers.get(HttpHeader.IF_RANGE);
        return ifRange == null || ifRange.equals(content.getETagValue()) || content.getLastModified() != null && ifRange.equals(content.getLastModified().getValue());
    }

    /**
     * The request as Jetty's service should see it: the file's own name as the path (Jetty redirects a path ending in
     * {@code /} and reads encodings from extensions; a route's path says nothing about the file it sends), and without
     * its Range when an If-Range no longer holds.
     */
    private static final class AsFile extends Request.Wrapper {
        private final HttpURI uri;
        private final HttpFields headers;

        AsFile(Request request, HttpContent content) {
            super(request);
            this.uri = HttpURI.build(request.getHttpURI()).path("/file").query(null).asImmutable();
            var original = request.getHeaders();
            this.headers = rangeApplies(original, content) ? original
                    : HttpFields.build(original).remove(HttpHeader.RANGE).remove(HttpHeader.IF_RANGE).asImmutable();
        }

        @Override
        public HttpURI getHttpURI() {
            return uri;
        }

        @Override
        public HttpFields getHeaders() {
            return headers;
        }
    }

    /** The content of a HEAD answer: every header of a GET's, and no body read from the file. */
    private static final class Headless extends HttpContent.Wrapper {
        Headless(HttpContent content) {
            super(content);
        }

        @Override
        public void writeTo(Content.Sink sink, long offset, long length, Callback callback) {
            sink.write(true, null, callback);
        }
    }
}
