package dev.coda;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The value a query, header or cookie parameter takes when the request does not carry it, written
 * as it would be in the request; or, on a record component of a JSON body, the JSON value of a field
 * that is absent. Java has no default arguments; this is FastAPI's {@code limit: int = 10}.
 *
 * <pre>{@code
 * @Get("/items")
 * public List<Item> items(@Default("0") int skip, @Default("10") int limit) { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.FIELD})
public @interface Default {
    /** The default, in the request's own textual form (for a body field: JSON text). */
    String value();
}
