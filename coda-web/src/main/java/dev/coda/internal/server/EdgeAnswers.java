package dev.coda.internal.server;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Outside the edge layers (CORS, the app's Jetty handlers): reports a request that one of them answered without
 * reaching {@link CodaHandler} (a preflight) as {@linkplain AfterResponse#answeredByServer answered by the server}:
 * it has no tasks, and a test client waiting for them must not.
 */
final class EdgeAnswers extends Handler.Wrapper {

    /** The request attribute {@link CodaHandler} sets when the app handles the request. */
    static final String REACHED_APP = "dev.coda.reachedApp";

    private final AfterResponse afterResponse;

    EdgeAnswers(Handler layers, AfterResponse afterResponse) {
        super(layers);
        this.afterResponse = afterResponse;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        return super.handle(request, response, new Callback.Nested(callback) {
            @Override
            public void succeeded() {
                report(request);
                super.succeeded();
            }

            @Override
            public void failed(Throwable failure) {
                report(request);
                super.failed(failure);
            }
        });
    }

    private void report(Request request) {
        if (request.getAttribute(REACHED_APP) == null) {
            afterResponse.answeredByServer(request.getHeaders().get("X-Request-Id"),
                    request.getConnectionMetaData().getConnection().getEndPoint());
        }
    }
}
