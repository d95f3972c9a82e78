package dev.coda.internal.server;

import dev.coda.Middleware;
import dev.coda.Response;
import dev.coda.internal.Internals;
import dev.coda.internal.inject.RequestState;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The middleware around one route (the app's, then its routers', outermost first), or the app's around a request no route
 * matched. Runs them around the route's {@link Outcome}, shown to them as a {@link Response}, and turns what the outermost
 * returns back into the outcome that is written. Built only when there is middleware: an app without any has none.
 */
final class MiddlewareStack {

    private final Middleware[] layers;
    private final Optional<Middleware.Route> route;

    private MiddlewareStack(Middleware[] layers, Optional<Middleware.Route> route) {
        this.layers = layers;
        this.route = route;
    }

    /** The stack of {@code layers} around a route ({@code null}: none matched), or {@code null} when there are no layers. */
    static MiddlewareStack of(List<Middleware> layers, Middleware.Route route) {
        return layers.isEmpty() ? null : new MiddlewareStack(layers.toArray(Middleware[]::new), Optional.ofNullable(route));
    }

    /**
     * Runs the layers around {@code endpoint} (the route, with its errors already answered by the exception handlers). An
     * exception from a layer is answered by {@code app}'s exception handlers, as a failure of the request if the route ran.
     */
    Outcome run(RequestState state, Supplier<Outcome> endpoint, Application app) {
        var run = new Run(state, endpoint);
        Response response;
        try {
            response = run.call(0);
        } catch (Throwable t) {
            return run.settle(app.failure(t, state, run.routed()));
        }
        if (run.inner != null && response == run.innerResponse) {
            return run.inner;                   // passed through unchanged: the route's outcome as it was
        }
        Outcome out;
        try {
            out = app.renderIntercepted(response, state, run.routed(), run.inner != null && run.inner.failed());
        } catch (Throwable t) {
            out = app.failure(t, state, run.routed());
        }
        return run.settle(out);
    }

    /** One request's way through the layers. */
    private final class Run {

        private final RequestState state;
        private final Supplier<Outcome> endpoint;
        private Outcome inner;                  // the route's outcome, once the innermost layer proceeded
        private Response innerResponse;         // the same, as the innermost layer's proceed() returned it

        Run(RequestState state, Supplier<Outcome> endpoint) {
            this.state = state;
            this.endpoint = endpoint;
        }

        Response call(int index) throws Exception {
            var response = layers[index].handle(state, new Step(this, index));
            if (response == null) {
                throw new IllegalStateException("the middleware " + layers[index] + " returned no response");
            }
            return response;
        }

        Response next(int index) throws Exception {
            if (index + 1 < layers.length) {
                return call(index + 1);
            }
            inner = endpoint.get();
            var body = inner.stream() != null ? inner.stream() : inner.file() != null ? inner.file() : inner.body();
            innerResponse = Internals.rawResponse(inner.status(), inner.headers(), body, inner.contentType());
            return innerResponse;
        }

        /** Whether the route ran: only then can its dependencies have added tasks or resources. */
        boolean routed() {
            return inner != null && inner.routed();
        }

        /**
         * The final outcome, with what the route's imposes: its streamed body released if it is not sent, its connection
         * closed if its body was not read.
         */
        Outcome settle(Outcome out) {
            if (inner == null) {
                return out;
            }
            if (inner.stream() != null && inner.stream() != out.stream()) {
                inner.discardStream();
            }
            return inner.closeConnection() && !out.closeConnection() ? out.closing() : out;
        }
    }

    /** The chain a layer is given: the layers inside it, then the route. */
    private final class Step implements Middleware.Chain {

        private final Run run;
        private final int index;
        private boolean proceeded;

        Step(Run run, int index) {
            this.run = run;
            this.index = index;
        }

        @Override
        public Response proceed() throws Exception {
            if (proceeded) {
                throw new IllegalStateException("the middleware " + layers[index] + " called proceed() twice");
            }
            proceeded = true;
            return run.next(index);
        }

        @Override
        public Optional<Middleware.Route> route() {
            return route;
        }
    }
}
