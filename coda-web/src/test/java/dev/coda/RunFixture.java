package dev.coda;

import java.time.Duration;
import java.util.Map;

/**
 * A child-process app for {@link CodaRunTest}: {@code Coda.run()} on a free loopback port; with arguments,
 * {@code Coda.run(args)} of an app with a worker, printing the steps of its life.
 */
public final class RunFixture {

    /** Marks, on standard output, the moment a handler starts waiting for the rest of its body. */
    static final String READING = "handler is reading its body";

    public static final class Api {
        @Get("/")
        public Map<String, String> root() {
            return Map.of("Hello", "World");
        }

        @Post("/upload")
        public Map<String, Integer> upload(Request request) {
            System.out.println(READING);
            System.out.flush();
            return Map.of("size", request.body().length);
        }
    }

    private RunFixture() {
    }

    public static void main(String[] args) {
        var app = Coda.app().routes(new Api()).host("127.0.0.1").port(0).shutdownTimeout(Duration.ofSeconds(20));
        if (args.length == 0) {
            app.run();
            return;
        }
        app.onShutdown(() -> print("resources closed"))
                .worker(() -> {
                    print("worker started");
                    return () -> print("worker stopped");
                })
                .run(args);
    }

    private static void print(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
