package dev.coda;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a parameter to the request body. Rarely needed: a record or class parameter is the JSON
 * body already. Use it for a {@code String} (the body as text), a {@code Map} or {@code List} body,
 * or a simple type read as a JSON value. A {@code byte[]} parameter is the raw body without it.
 *
 * <pre>{@code
 * @Post("/notes")
 * public Note create(@Body String text) { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Body {
}
