package dev.coda;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * How the OpenAPI document shows a path operation: FastAPI's {@code summary}, {@code description}, {@code tags},
 * {@code deprecated}, {@code include_in_schema=False} and {@code operation_id}. On a class it applies to every path
 * operation of the class, as an {@code APIRouter}'s settings do: its tags come first, and its {@code deprecated} or
 * {@code hidden} holds for every route.
 *
 * <pre>{@code
 * @Operation(tags = "items")
 * public final class ItemRoutes {
 *     @Get("/items/{item_id}")
 *     @Operation(summary = "One item", description = "The item, **with** its price.")
 *     public Item readItem(int itemId) { ... }
 *
 *     @Get("/internal/stats")
 *     @Operation(hidden = true)
 *     public Stats stats() { ... }
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Operation {

    /** The one-line summary; default: the method name in words ({@code readItem}: "Read Item"). */
    String summary() default "";

    /** A longer description, CommonMark. */
    String description() default "";

    /** The tags the UIs group the operation under. */
    String[] tags() default {};

    /** Whether the operation is shown as deprecated. */
    boolean deprecated() default false;

    /** Whether the operation is left out of the document (it is still served). */
    boolean hidden() default false;

    /** The {@code operationId}; default FastAPI's: {@code read_item_items__item_id__get}. Ignored on a class. */
    String id() default "";
}
