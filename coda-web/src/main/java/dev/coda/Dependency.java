package dev.coda;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method as a dependency provider, FastAPI's dependable. Its parameters are resolved like an
 * endpoint's (path, query, header, body, other dependencies, {@code Request}); its result is
 * computed at most once per request and injected into every parameter of its return type.
 *
 * <pre>{@code
 * record CommonParams(Optional<String> q, int skip, int limit) {}
 *
 * @Dependency
 * static CommonParams commonParams(Optional<String> q, @Default("0") int skip, @Default("100") int limit) {
 *     return new CommonParams(q, skip, limit);
 * }
 *
 * @Get("/items")
 * public CommonParams items(CommonParams commons) { return commons; }
 * }</pre>
 *
 * <p>A provider may return an {@link AutoCloseable} or a {@link Managed} value: it is closed once
 * the response has been sent, in the reverse order of creation, like the code after {@code yield} in
 * a FastAPI dependency. Two providers of one type are told apart by {@link Depends#value()}.
 *
 * <p>Providers of common types (strings, numbers and other simple values, {@code Optional},
 * {@code List}, {@code Map}) are never injected by type alone, which would capture every such
 * parameter of the app: a parameter uses them by naming the method, {@code @Depends("getQuery")}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Dependency {
}
