package dev.coda.examples;

import dev.coda.Coda;
import dev.coda.Get;
import java.util.Map;

/**
 * FastAPI's "sub applications" tutorial ({@code docs_src/sub_applications}): an app with its own routes and docs
 * mounted at {@code /subapi}; its document is at {@code /subapi/openapi.json}, its Swagger UI at {@code /subapi/docs}.
 * The routes return {@code Object}, untyped as the tutorial's dicts without a response model.
 */
public final class SubApplications {

    /** The main app's route. */
    public static final class Main {
        @Get("/app")
        public Object readMain() {
            return Map.of("message", "Hello World from main app");
        }
    }

    /** The sub-application's route. */
    public static final class Sub {
        @Get("/sub")
        public Object readSub() {
            return Map.of("message", "Hello World from sub API");
        }
    }

    private SubApplications() {
    }

    /** The main app with the sub-application mounted at {@code /subapi}. */
    public static Coda app() {
        var subapi = Coda.app().routes(new Sub()).build();
        return Coda.app().routes(new Main()).mount("/subapi", subapi).build();
    }

    public static void main(String[] args) {
        app().run();
    }
}
