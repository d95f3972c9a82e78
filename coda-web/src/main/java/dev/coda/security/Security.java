package dev.coda.security;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * {@link dev.coda.Depends} with OAuth2 scopes, FastAPI's {@code Security(dependency, scopes=[...])}: the scopes are added to
 * those already required along the chain, reach every {@link SecurityScopes} parameter below it, and are listed in the
 * operation's OpenAPI {@code security} requirement of the {@link OAuth2PasswordBearer} the chain uses.
 *
 * <pre>{@code
 * @Get("/users/me/items")
 * public List<Item> ownItems(@Security(value = "currentActiveUser", scopes = "items") User user) { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Security {
    /** The name of the {@link dev.coda.Dependency} method; empty means "by type". */
    String value() default "";

    /** The scopes this use requires. */
    String[] scopes() default {};

    /** Whether to reuse the value already computed in this request for the same scopes (FastAPI's {@code use_cache}). */
    boolean useCache() default true;
}
