package dev.coda;

/**
 * Turns an exception thrown while handling a request into a response, FastAPI's
 * {@code @app.exception_handler}. The most specific handler registered for the exception's class or
 * one of its superclasses wins.
 *
 * <pre>{@code
 * Coda.app()
 *     .routes(new Shop())
 *     .exceptionHandler(OutOfStock.class, (request, e) ->
 *         Response.json(409, Map.of("detail", e.getMessage(), "sku", e.sku())))
 *     .run();
 * }</pre>
 *
 * @param <E> the exceptions it handles
 */
@FunctionalInterface
public interface ExceptionHandler<E extends Throwable> {

    /**
     * Answers for {@code exception}. A handler that throws makes the answer {@code 500}.
     *
     * @throws Exception when it cannot answer
     */
    Response handle(Request request, E exception) throws Exception;
}
