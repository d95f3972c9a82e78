package dev.coda.internal.edge;

import dev.coda.internal.inject.RequestState;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request on the logger {@code dev.coda.access}, when the exchange completes: method, path, status,
 * duration and request id, in the message as {@code key=value} and as SLF4J key-value pairs (for JSON encoders).
 * A request without {@code X-Request-Id} is given one, so that the app's {@code Request.id()} and log lines agree.
 */
final class AccessLog extends Handler.Wrapper {

    private static final Logger LOG = LoggerFactory.getLogger("dev.coda.access");
    private static final String REQUEST_ID = "X-Request-Id";

    AccessLog(Handler next) {
        super(next);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        long start = System.nanoTime();
        var id = request.getHeaders().get(REQUEST_ID);
        if (id == null) {
            id = RequestState.newId();
            request = withId(request, id);
        }
        var requestId = id;
        var method = request.getMethod();
        var path = request.getHttpURI().getPath();
        return super.handle(request, response, new Callback.Nested(callback) {
            @Override
            public void succeeded() {
                log(method, path, response.getStatus(), start, requestId, null);
                super.succeeded();
            }

            @Override
            public void failed(Throwable failure) {
                log(method, path, response.getStatus(), start, requestId, failure);
                super.failed(failure);
            }
        });
    }

    private static Request withId(Request request, String id) {
        var headers = HttpFields.build(request.getHeaders()).add(REQUEST_ID, id).asImmutable();
        return new Request.Wrapper(request) {
            @Override
            public HttpFields getHeaders() {
                return headers;
            }
        };
    }

    private static void log(String method, String path, int status, long start, String id, Throwable failure) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        double millis = Math.round((System.nanoTime() - start) / 10_000.0) / 100.0;
        LOG.atInfo()
                .addKeyValue("method", method)
                .addKeyValue("path", path)
                .addKeyValue("status", status)
                .addKeyValue("duration_ms", millis)
                .addKeyValue("request_id", id)
                .log(failure == null ? "method={} path={} status={} duration_ms={} request_id={}"
                                : "method={} path={} status={} duration_ms={} request_id={} failed={}",
                        method, path, status, millis, id, String.valueOf(failure));
    }
}
