package dev.coda.testsupport;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/**
 * What a test does when its server cannot be reached: skips with the reason, except with {@code CI=true}, where it
 * fails. The one rule of {@link TestPostgres} and {@link TestRedis}.
 *
 * <pre>{@code
 * throw Unreachable.skipOrFail("Redis", problem, "start Redis on 127.0.0.1:6379", "the Redis tests");
 * }</pre>
 */
final class Unreachable {

    private Unreachable() {
    }

    /** Aborts (skips) or fails the calling test; never returns normally. */
    static AssertionError skipOrFail(String server, String problem, String howToProvide, String skipped) {
        var message = server + " is not reachable for the tests (" + problem + ")";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(message + "; CI=true requires it: " + howToProvide);
        }
        Assumptions.abort(message + "; skipping " + skipped + " (with CI=true this is a failure)");
        return new AssertionError("unreachable");
    }
}
