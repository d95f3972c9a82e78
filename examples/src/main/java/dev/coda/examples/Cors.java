package dev.coda.examples;

import dev.coda.Coda;
import dev.coda.Get;
import java.util.Map;

/**
 * FastAPI's CORS tutorial: {@code GET /} answers {@code {"message": "Hello World"}}, and browsers on the four
 * listed origins may call it with credentials, any method and any header (preflights answered as Starlette's
 * {@code CORSMiddleware} does).
 */
public final class Cors {

    static final String[] ORIGINS = {
        "http://localhost.tiangolo.com",
        "https://localhost.tiangolo.com",
        "http://localhost",
        "http://localhost:8080",
    };

    @Get("/")
    public Map<String, String> main() {
        return Map.of("message", "Hello World");
    }

    /** The application. */
    public static Coda app() {
        return Coda.app()
                .routes(new Cors())
                .cors(cors -> cors.allowOrigins(ORIGINS).allowCredentials(true).allowMethods("*").allowHeaders("*"))
                .build();
    }

    public static void main(String[] args) {
        app().run();
    }
}
