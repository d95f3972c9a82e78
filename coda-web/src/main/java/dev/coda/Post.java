package dev.coda;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a path operation answering HTTP {@code POST} requests on a path template.
 *
 * <pre>{@code
 * @Post("/items/{item_id}")
 * public Item item(int itemId) { ... }
 * }</pre>
 *
 * <p>Placeholders such as {@code {item_id}} bind to the parameter of the same name (or its
 * camelCase form, {@code itemId}); a placeholder written {@code {path:path}} matches the rest of
 * the path, slashes included.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Post {
    /** The path template, starting with {@code /}. */
    String value();

    /** The status code of a successful answer when the method does not return a {@link Response}. */
    int status() default 0;
}
