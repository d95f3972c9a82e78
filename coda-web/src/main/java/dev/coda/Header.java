package dev.coda;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a parameter to a request header. Without a name, the parameter's name is converted from
 * camelCase to the hyphenated header form, as FastAPI converts underscores: {@code userAgent} reads
 * {@code User-Agent}. Header names are case-insensitive. A {@code List} parameter receives every value.
 *
 * <pre>{@code
 * @Get("/items")
 * public Map<String, String> items(@Header Optional<String> userAgent, @Header("X-Token") String token) { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Header {
    /** The header's name; empty means the parameter's name, hyphenated. */
    String value() default "";
}
