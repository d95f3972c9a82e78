package dev.coda.internal.server;

import dev.coda.internal.inject.HttpInput;
import dev.coda.internal.inject.RequestState;
import dev.coda.tasks.internal.Tracing;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.List;

/**
 * The SERVER span of one request, current while it is handled (so that its tasks' spans are its children): under the
 * trace context of the request's W3C headers, named after the route template ({@code POST /files}), or the method
 * alone for a request no route matched. Made only when the application set an OpenTelemetry SDK ({@link Tracing}).
 *
 * <pre>{@code
 * var span = RequestSpan.open(input, "POST /files", state);   // null without an SDK
 * try { ... } finally { if (span != null) span.close(outcome.status()); }
 * }</pre>
 */
final class RequestSpan {

    private static final TextMapGetter<HttpInput> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpInput input) {
            return List.of("traceparent", "tracestate", "baggage");
        }

        @Override
        public String get(HttpInput input, String key) {
            return input == null ? null : input.header(key).orElse(null);
        }
    };

    private final Tracing.Current current;

    private RequestSpan(Tracing.Current current) {
        this.current = current;
    }

    /** The request's span, made current; {@code null} without an SDK. {@code route} is the matched template or {@code null}. */
    static RequestSpan open(HttpInput input, String route, RequestState state) {
        if (!Tracing.enabled()) {
            return null;
        }
        var current = Tracing.startCurrent(route != null ? route : input.method(), SpanKind.SERVER, Tracing.extract(input, HEADERS));
        var span = current.span();
        span.setAttribute("http.request.method", input.method());
        span.setAttribute("url.path", input.rawPath());
        if (route != null) {
            span.setAttribute("http.route", route.substring(route.indexOf(' ') + 1));
        }
        span.setAttribute("coda.request_id", state.id());
        return new RequestSpan(current);
    }

    /** Ends the span with the answer's status: an error from 500 on, as OpenTelemetry's HTTP conventions say for a server. */
    void close(int status) {
        current.span().setAttribute("http.response.status_code", status);
        if (status >= 500) {
            current.span().setStatus(StatusCode.ERROR);
        }
        current.end(null);
    }
}
