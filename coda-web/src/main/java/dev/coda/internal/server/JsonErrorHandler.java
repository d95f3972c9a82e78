package dev.coda.internal.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/** Errors Jetty answers itself (a malformed request line, a bad header) in FastAPI's JSON shape, never HTML. */
final class JsonErrorHandler extends ErrorHandler {

    private final AfterResponse afterResponse;

    JsonErrorHandler(AfterResponse afterResponse) {
        this.afterResponse = afterResponse;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        afterResponse.answeredByServer(request.getHeaders().get("X-Request-Id"), request.getConnectionMetaData().getConnection().getEndPoint());
        var status = response.getStatus() > 0 ? response.getStatus() : 500;
        var attribute = request.getAttribute(ERROR_STATUS);
        if (attribute instanceof Integer code) {
            status = code;
        }
        var message = HttpStatus.getMessage(status);
        var body = ("{\"detail\":\"" + message.replace("\"", "'") + "\"}").getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }
}
