package dev.coda;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a parameter to a request cookie.
 *
 * <pre>{@code
 * @Get("/me")
 * public User me(@Cookie("session") Optional<String> session) { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Cookie {
    /** The cookie's name; empty means the parameter's own name. */
    String value() default "";
}
