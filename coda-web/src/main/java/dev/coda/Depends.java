package dev.coda;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares that a parameter is produced by a dependency. Without it, a parameter whose type is the
 * return type of exactly one {@link Dependency} method is resolved by that method already; use it to
 * choose a provider by method name, to construct a class from its resolved constructor parameters
 * (FastAPI's class dependencies), or to opt out of the per-request cache.
 *
 * <pre>{@code
 * @Get("/users/me")
 * public User me(@Depends("currentUser") User user) { ... }
 *
 * @Get("/items")
 * public Page items(@Depends Paging paging) { ... }          // Paging's constructor parameters are query parameters
 *
 * @Get("/now")
 * public Instant now(@Depends(useCache = false) Clock clock) { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Depends {
    /** The name of the {@link Dependency} method; empty means "by type". */
    String value() default "";

    /** Whether to reuse the value already computed in this request (FastAPI's {@code use_cache}). */
    boolean useCache() default true;
}
