package dev.coda.internal.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a streamed outcome on the request's virtual thread: runs its body against a {@link JettyStreamOutput}, then
 * ends the response. The status and headers are already set; without a Content-Length, Jetty sends it chunked.
 * A body that fails before anything was sent becomes a {@code 500}; after, the connection is aborted (no last chunk:
 * the client sees a truncated body) and the failure logged once; a client that went away is no error of the server's.
 */
final class StreamedAnswer {

    private static final Logger LOG = LoggerFactory.getLogger("dev.coda");
    private static final byte[] INTERNAL_ERROR = "{\"detail\":\"Internal Server Error\"}".getBytes(StandardCharsets.UTF_8);

    private final ObjectMapper mapper;
    private final Duration keepAlive;

    StreamedAnswer(ObjectMapper mapper, Duration keepAlive) {
        this.mapper = mapper;
        this.keepAlive = keepAlive;
    }

    void write(Outcome outcome, Request request, Response response, Callback callback) {
        if ("HEAD".equals(request.getMethod())) {
            outcome.discardStream();
            // the headers a GET would get (chunked), not the Content-Length: 0 of an empty last write
            response.write(false, BufferUtil.EMPTY_BUFFER, Callback.from(() -> response.write(true, null, callback), callback::failed));
            return;
        }
        var out = new JettyStreamOutput(response, mapper, request.getComponents().getScheduler(), keepAlive);
        request.addFailureListener(out::gone);
        Throwable failure = null;
        try {
            outcome.stream().writeTo(out);
        } catch (Throwable t) {
            failure = t;
        } finally {
            out.ended();
        }
        if (failure == null) {
            out.finish(callback);
        } else if (out.clientGone()) {
            LOG.debug("The client of {} {} went away during its streamed response", outcome.state().method(), outcome.state().path());
            callback.failed(failure);
        } else if (!out.committed()) {
            LOG.error("The streamed response of {} {} failed before it began", outcome.state().method(), outcome.state().path(), failure);
            internalError(response, callback);
        } else {
            LOG.error("The streamed response of {} {} failed after its headers were sent: the connection is cut",
                    outcome.state().method(), outcome.state().path(), failure);
            callback.failed(failure);
        }
    }

    private static void internalError(Response response, Callback callback) {
        response.reset();
        response.setStatus(500);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, INTERNAL_ERROR.length);
        response.write(true, ByteBuffer.wrap(INTERNAL_ERROR), callback);
    }
}
