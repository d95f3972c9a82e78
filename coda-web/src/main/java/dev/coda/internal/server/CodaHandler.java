package dev.coda.internal.server;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The Jetty handler: runs the application on the request's virtual thread, writes the outcome (a streamed one
 * through {@link StreamedAnswer}, a file through {@link FileAnswer}), and
 * registers the after-response work on Jetty's completion of the exchange.
 */
final class CodaHandler extends Handler.Abstract {

    private final Application application;
    private final AfterResponse afterResponse;
    private final StreamedAnswer streamed;
    private final FileAnswer files = new FileAnswer();
    private final boolean insideEdge;           // whether EdgeAnswers needs to know that the request reached the app

    CodaHandler(Application application, AfterResponse afterResponse, boolean insideEdge) {
        super(InvocationType.BLOCKING);
        this.insideEdge = insideEdge;
        this.application = application;
        this.afterResponse = afterResponse;
        this.streamed = new StreamedAnswer(application.mapper(), application.settings().eventKeepAlive());
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (insideEdge) {
            request.setAttribute(EdgeAnswers.REACHED_APP, Boolean.TRUE);
        }
        var outcome = application.handle(new JettyInput(request, application.settings()));
        response.setStatus(outcome.status());
        var headers = response.getHeaders();
        for (var header : outcome.headers()) {
            headers.add(header.getKey(), header.getValue());
        }
        var body = outcome.body();
        if (outcome.contentType() != null) {
            headers.put(HttpHeader.CONTENT_TYPE, outcome.contentType());
        }
        if (outcome.status() != 204 && outcome.status() != 304 && outcome.stream() == null && outcome.file() == null) {
            headers.put(HttpHeader.CONTENT_LENGTH, body.length);
        }
        if (outcome.closeConnection()) {
            headers.put(new HttpField(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString()));
        }
        if (afterResponse.needed(outcome)) {
            afterResponse.expect();
            Request.addCompletionListener(request, failure -> afterResponse.completed(outcome, failure));
        }
        if (outcome.file() != null) {
            files.write(outcome.file(), request, response, callback);
            return true;
        }
        if (outcome.stream() != null) {
            streamed.write(outcome, request, response, callback);
            return true;
        }
        var head = "HEAD".equals(request.getMethod());
        response.write(true, head || body.length == 0 ? null : ByteBuffer.wrap(body), callback);
        return true;
    }
}
