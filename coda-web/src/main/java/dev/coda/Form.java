package dev.coda;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a parameter to a form field of an {@code application/x-www-form-urlencoded} or {@code multipart/form-data}
 * body, FastAPI's {@code Form()}. The conversion rules are the query parameters' (a simple type, an {@code Optional} or a
 * {@code List} of one: a repeated field), errors are reported at {@code ["body", "<name>"]}, and an empty field counts
 * as missing, as in FastAPI. On a record parameter, each component is a field (FastAPI's form models).
 *
 * <pre>{@code
 * @Post("/login/")
 * public Map<String, String> login(@Form String username, @Form String password) {
 *     return Map.of("username", username);
 * }
 *
 * record Login(String username, String password) {}
 * @Post("/session/")
 * public Map<String, String> session(@Form Login login) { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Form {
    /** The field's name; empty means the parameter's own name. */
    String value() default "";
}
