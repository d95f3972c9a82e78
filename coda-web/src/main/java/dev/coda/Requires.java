package dev.coda;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs dependencies for their effect (authentication, rate limits, background tasks) before a path
 * operation, without injecting their values: FastAPI's {@code dependencies=[Depends(...)]}. On a
 * class, it applies to every path operation of the class.
 *
 * <pre>{@code
 * @Requires(VerifiedToken.class)
 * @Get("/items")
 * public List<Item> items() { ... }
 * }</pre>
 *
 * @see Coda.Builder#requires(Class[])
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Requires {
    /** The dependency types to resolve, in order. */
    Class<?>[] value();
}
