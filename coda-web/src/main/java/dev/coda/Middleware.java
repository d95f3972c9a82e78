package dev.coda;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Optional;

/**
 * Code around every request of the app ({@link Coda.Builder#middleware}) or of a router ({@link ApiRouter#middleware}):
 * Starlette's {@code BaseHTTPMiddleware}, FastAPI's {@code @app.middleware("http")}. It runs before the request reaches
 * its dependencies and path operation, and after, with the response in hand; it may answer early (by not calling
 * {@link Chain#proceed()}), change or replace the response, and see which route matched.
 *
 * <pre>{@code
 * Middleware timing = (request, chain) -> {
 *     long start = System.nanoTime();
 *     var response = chain.proceed();                       // the next middleware, or the route (its errors handled)
 *     return response.header("X-Process-Time", Long.toString((System.nanoTime() - start) / 1_000) + "us");
 * };
 * Middleware adminOnly = (request, chain) ->
 *     request.header("X-Admin").isPresent() ? chain.proceed() : Response.json(403, Map.of("detail", "Forbidden"));
 *
 * Coda.app()
 *     .middleware(timing)                                    // every request, 404s included; the outermost
 *     .include(ApiRouter.prefix("/admin").middleware(adminOnly).routes(new Admin()))   // only /admin's routes
 *     .run();
 * }</pre>
 *
 * <p>Order: the first registered is the outermost, app-wide ones outside a router's, an outer router's outside an inner
 * one's. The route's errors reach a middleware as the response their exception handler gave (a {@code 404
 * {"detail": …}}, a {@code 422}, a {@code 500}); an exception a middleware throws goes to the outer middleware, then
 * to the same exception handlers. Background tasks start once the final response, as the middleware left it, is sent;
 * a request a middleware answered without proceeding ran no dependency and has no task. See {@code docs/middleware.md}.
 */
@FunctionalInterface
public interface Middleware {

    /**
     * Handles one request: calls {@code chain.proceed()} to go on (at most once), or answers by itself.
     *
     * @throws Exception answered by the app's exception handlers, as a route's ({@link HttpException} as
     *     {@code {"detail": …}}, anything unhandled as a {@code 500}); the route's tasks then follow the phase rules of a
     *     failed request
     */
    Response handle(Request request, Chain chain) throws Exception;

    /** The rest of the way: the middleware inside this one, then the route. */
    interface Chain {

        /**
         * Runs the rest and returns its response: the route's, or its exception handler's. An exception thrown by an inner
         * middleware comes out of here.
         *
         * @throws IllegalStateException when called a second time
         */
        Response proceed() throws Exception;

        /** The route the request matched; empty when none did (the {@code 404}, {@code 405} and slash redirects). */
        Optional<Route> route();
    }

    /**
     * The route a request matched, as the OpenAPI document describes it.
     *
     * @param method the HTTP method, {@code GET}
     * @param path the path template with the routers' prefixes, {@code /items/{item_id}}
     * @param operationId the operation id of the document (which adds {@code _2} to a second operation with the same one)
     * @param tags its tags: the routers', the class's, the method's
     * @param handler the Java method of the path operation
     */
    record Route(String method, String path, String operationId, List<String> tags, Method handler) {

        public Route {
            tags = List.copyOf(tags);
        }
    }
}
