package dev.coda;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a parameter to a path placeholder explicitly. Rarely needed: a parameter named like a
 * placeholder ({@code item_id} or {@code itemId} for {@code {item_id}}) is a path parameter already.
 *
 * <pre>{@code
 * @Get("/users/{id}")
 * public User user(@Path("id") long userId) { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Path {
    /** The placeholder's name; empty means the parameter's own name. */
    String value() default "";
}
