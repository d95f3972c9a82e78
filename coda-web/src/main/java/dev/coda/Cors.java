package dev.coda;

import dev.coda.internal.edge.CorsHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Cross-origin resource sharing, with the parameters and answers of FastAPI's {@code CORSMiddleware}
 * (Starlette 1.x): preflights ({@code OPTIONS} with {@code Origin} and {@code Access-Control-Request-Method})
 * are answered {@code 200 OK} with the allowed methods, headers and max age, or {@code 400 Disallowed CORS
 * origin, method, headers}; other requests reach the app and their response gets
 * {@code Access-Control-Allow-Origin} for an allowed origin and {@code Vary: Origin}. With credentials allowed,
 * {@code "*"} echoes the request's origin, as the Fetch standard requires. See {@code docs/middleware.md}.
 *
 * <pre>{@code
 * Coda.app()
 *     .routes(new Main())
 *     .cors(cors -> cors.allowOrigins("https://app.example.com").allowCredentials(true)
 *                       .allowMethods("*").allowHeaders("*"))
 *     .run();
 * }</pre>
 */
public final class Cors {

    private Cors() {
    }

    /** The settings, with Starlette's defaults: no origin, {@code GET} only, no header beyond the safelisted ones. */
    public static final class Builder {
        final List<String> allowOrigins = new ArrayList<>();
        Pattern allowOriginRegex;
        final List<String> allowMethods = new ArrayList<>(List.of("GET"));
        final List<String> allowHeaders = new ArrayList<>();
        boolean allowCredentials;
        boolean allowPrivateNetwork;
        final List<String> exposeHeaders = new ArrayList<>();
        long maxAge = 600;

        Builder() {
        }

        /** The origins allowed ({@code "https://example.com"}, scheme and port included); {@code "*"} allows every one. */
        public Builder allowOrigins(String... origins) {
            allowOrigins.addAll(List.of(origins));
            return this;
        }

        /** A regular expression the whole origin must match, e.g. {@code "https://.*\\.example\\.com"}. */
        public Builder allowOriginRegex(String regex) {
            allowOriginRegex = Pattern.compile(regex);
            return this;
        }

        /** The methods a preflight may ask for, replacing the default {@code GET}; {@code "*"} allows every one. */
        public Builder allowMethods(String... methods) {
            allowMethods.clear();
            allowMethods.addAll(List.of(methods));
            return this;
        }

        /** The request headers a preflight may ask for beyond the safelisted ones; {@code "*"} allows every one. */
        public Builder allowHeaders(String... headers) {
            allowHeaders.addAll(List.of(headers));
            return this;
        }

        /** Whether cookies and authorization may be sent cross-origin ({@code Access-Control-Allow-Credentials}). */
        public Builder allowCredentials(boolean allow) {
            allowCredentials = allow;
            return this;
        }

        /** Whether a preflight asking for private network access is allowed (else refused). */
        public Builder allowPrivateNetwork(boolean allow) {
            allowPrivateNetwork = allow;
            return this;
        }

        /** The response headers a browser lets the page read ({@code Access-Control-Expose-Headers}). */
        public Builder exposeHeaders(String... headers) {
            exposeHeaders.addAll(List.of(headers));
            return this;
        }

        CorsHandler.Policy policy() {
            return new CorsHandler.Policy(List.copyOf(allowOrigins), allowOriginRegex, List.copyOf(allowMethods),
                    List.copyOf(allowHeaders), allowCredentials, allowPrivateNetwork, List.copyOf(exposeHeaders), maxAge);
        }

        /** How long a browser may cache a preflight's answer; default 600 seconds. */
        public Builder maxAge(Duration age) {
            maxAge = Objects.requireNonNull(age).toSeconds();
            return this;
        }
    }

    /** A new builder; {@code Coda.Builder.cors} gives one to its argument. */
    static Builder builder() {
        return new Builder();
    }
}
