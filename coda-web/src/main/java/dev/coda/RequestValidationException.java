package dev.coda;

import java.util.List;
import java.util.Map;

/**
 * The request did not bind: every error found in its path, query, headers, cookies and body, at
 * once. Coda answers it with {@code 422} and {@code {"detail": [errors...]}} in FastAPI's shape;
 * register an {@link ExceptionHandler} for this class to answer otherwise.
 *
 * <pre>{@code
 * .exceptionHandler(RequestValidationException.class, (request, e) ->
 *     Response.json(400, Map.of("errors", e.errors().size())))
 * }</pre>
 */
public final class RequestValidationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient List<Error> errors;

    /** An exception carrying the given errors. */
    public RequestValidationException(List<Error> errors) {
        super(errors.size() + " validation error(s): " + errors, null, false, false);
        this.errors = List.copyOf(errors);
    }

    /** The errors, in the order they were found. */
    public List<Error> errors() {
        return errors;
    }

    /**
     * One binding error, shaped like a pydantic error in a FastAPI 422 answer.
     *
     * @param type a machine-readable kind, e.g. {@code missing} or {@code int_parsing}
     * @param loc where: the source ({@code path}, {@code query}, {@code header}, {@code cookie},
     *     {@code body}) then field names and list indexes
     * @param msg a sentence for people
     * @param input the offending input ({@code null} when it was missing)
     * @param ctx details such as the expected values, or empty
     */
    public record Error(String type, List<Object> loc, String msg, Object input, Map<String, Object> ctx) {

        /** An error without context. */
        public Error(String type, List<Object> loc, String msg, Object input) {
            this(type, loc, msg, input, Map.of());
        }

        public Error {
            loc = List.copyOf(loc);
            ctx = ctx == null ? Map.of() : ctx;
        }
    }
}
