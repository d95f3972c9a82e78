package dev.coda.examples;

import dev.coda.Coda;
import dev.coda.Default;
import dev.coda.Get;
import dev.coda.Responds;
import dev.coda.Response;
import dev.coda.StaticFiles;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.PositiveOrZero;
import java.nio.file.Path;

/**
 * Server-sent events, after FastAPI's {@code docs_src/server_sent_events} tutorials: {@code GET /events?count=N&delay=S}
 * streams {@code N} events (default 3) whose data is {@code {"n": i}} for {@code i} from 0, each flushed as it is
 * produced, {@code S} seconds apart (default 0, fractions allowed). A negative or non-numeric {@code count} or
 * {@code delay} gets FastAPI's 422. {@code /static/} serves the folder {@code static} of the working directory, which
 * may appear after the app has started.
 *
 * <pre>{@code
 * # The FastAPI original
 * @app.get("/events", response_class=EventSourceResponse)
 * async def events(count: Annotated[int, Query(ge=0)] = 3, delay: Annotated[float, Query(ge=0)] = 0):
 *     for i in range(count):
 *         if i and delay:
 *             await asyncio.sleep(delay)
 *         yield {"n": i}
 *
 * app.mount("/static", StaticFiles(directory="static", check_dir=False), name="static")
 * }</pre>
 *
 * <p>{@code curl -N "localhost:8000/events?count=5&delay=0.5"} shows them arrive one by one.
 */
public final class Events {

    /** The data of each event, written {@code {"n": 0}}. */
    public record Tick(int n) {
    }

    @Get("/events")
    @Responds(status = 200, mediaType = "text/event-stream", type = Tick.class)
    public Response events(@Min(0) @Default("3") int count, @PositiveOrZero @Default("0") double delay) {
        long pause = Math.round(delay * 1000);
        return Response.events(sink -> {
            for (int i = 0; i < count; i++) {
                if (i > 0 && pause > 0) {
                    Thread.sleep(pause);          // a virtual thread: sleeping holds no carrier
                }
                sink.data(new Tick(i));
            }
        });
    }

    /** The application, its static files in {@code static} of the working directory. */
    public static Coda app() {
        return app(Path.of("static"));
    }

    /** The application with its static files in {@code staticDirectory} (which need not exist yet). */
    public static Coda app(Path staticDirectory) {
        return builder(staticDirectory).build();
    }

    private static Coda.Builder builder(Path staticDirectory) {
        return Coda.app().routes(new Events())
                .staticFiles("/static", StaticFiles.directory(staticDirectory).checkDir(false));
    }

    /** {@code events [--max-connections N]}: the default limit (4,096) is too low to hold 10,000 idle streams. */
    public static void main(String[] args) {
        var builder = builder(Path.of("static"));
        if (args.length == 2 && args[0].equals("--max-connections") && args[1].matches("[1-9][0-9]{0,8}")) {
            builder.maxConnections(Integer.parseInt(args[1]));
        } else if (args.length != 0) {
            System.err.println("usage: events [--max-connections N], N a positive whole number");
            System.exit(2);
        }
        builder.run();
    }
}
