package dev.coda.testsupport;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/** What a test does without a server or a binary it needs: skips, except with {@code CI=true}, where it fails. */
final class Requirement {

    private Requirement() {
    }

    /** Skips the calling test with {@code message}, or fails it with {@code message} and {@code ciAdvice} under CI=true. */
    static AssertionError missing(String message, String ciAdvice) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(message + "; CI=true requires it: " + ciAdvice);
        }
        Assumptions.abort(message + "; skipping (with CI=true this is a failure)");
        return new AssertionError("unreachable");
    }
}
