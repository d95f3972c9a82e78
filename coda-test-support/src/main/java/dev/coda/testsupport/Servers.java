package dev.coda.testsupport;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/**
 * What a test does when the server it needs is absent: skips with the reason, or fails under {@code CI=true}.
 *
 * <pre>{@code
 * return Servers.require("PostgreSQL", url, problem, "start PostgreSQL on 127.0.0.1:5432 ...");
 * }</pre>
 */
final class Servers {

    private Servers() {
    }

    /** {@code address} if the server was found ({@code problem} is then {@code null}); else skips or fails the calling test. */
    static String require(String server, String address, String problem, String howToStart) {
        if (address != null) {
            return address;
        }
        var message = server + " is not reachable for the tests (" + problem + ")";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(message + "; CI=true requires it: " + howToStart);
        }
        Assumptions.abort(message + "; skipping the " + server + " tests (with CI=true this is a failure)");
        throw new AssertionError("unreachable");
    }
}
