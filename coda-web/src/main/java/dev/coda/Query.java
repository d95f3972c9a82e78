package dev.coda;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a parameter to a query parameter. Rarely needed: a parameter of a simple type (string,
 * number, boolean, {@code UUID}, enum, date, {@code Optional} or {@code List} of these) that is not a
 * path placeholder is a query parameter already. Use it to give another name.
 *
 * <pre>{@code
 * @Get("/search")
 * public List<Hit> search(@Query("item-query") Optional<String> q, @Default("10") int limit) { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Query {
    /** The query parameter's name; empty means the parameter's own name. */
    String value() default "";
}
