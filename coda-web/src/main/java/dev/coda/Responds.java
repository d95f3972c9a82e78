package dev.coda;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A response the OpenAPI document lists for a path operation besides its successful one, FastAPI's {@code responses=}:
 * an error it raises, or, for the route's own status, the body of a {@link Response} it returns. On a class it applies to
 * every path operation of the class; a method's own for the same status wins.
 *
 * <pre>{@code
 * @Get("/items/{item_id}")
 * @Responds(status = 404, description = "No such item", type = Message.class)
 * public Item readItem(int itemId) { ... }
 *
 * @Post(value = "/items", status = 201)
 * @Responds(status = 201, description = "Created", type = Item.class)
 * public Response create(Item item) { return Response.created(item); }
 * }</pre>
 *
 * <p>A {@link Response} that is not JSON says what it is with {@link #mediaType}: server-sent events whose data is
 * {@code type} ({@code text/event-stream}), JSON Lines of {@code type} ({@code application/jsonl}), or any other media
 * type, such as a file's (see {@code docs/openapi.md}):
 * <pre>{@code
 * @Get("/ticks")
 * @Responds(status = 200, mediaType = "text/event-stream", type = Tick.class)
 * public Response ticks() { return Response.events(sink -> sink.data(new Tick(0))); }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
@Repeatable(Responds.All.class)
public @interface Responds {

    /** The HTTP status. */
    int status();

    /** What it means; default the status's reason phrase ("Not Found"), as FastAPI does. */
    String description() default "";

    /** The JSON body's type (of each event's data, of each line); {@code void.class} for none (data of any kind). */
    Class<?> type() default void.class;

    /**
     * The body's media type: {@code application/json} (the default), {@code text/event-stream} (server-sent events),
     * {@code application/jsonl} (JSON Lines), or another, documented as a string of that media type.
     */
    String mediaType() default "application/json";

    /** Holds several {@link Responds} on one element. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.METHOD, ElementType.TYPE})
    @interface All {
        Responds[] value();
    }
}
