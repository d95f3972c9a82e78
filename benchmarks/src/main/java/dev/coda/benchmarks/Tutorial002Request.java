package dev.coda.benchmarks;

import dev.coda.Coda;
import dev.coda.internal.Internals;
import dev.coda.internal.server.Application;

/** The in-process benchmarks' request to the examples' tutorial002, and its app checked to answer it. */
final class Tutorial002Request {

    private Tutorial002Request() {
    }

    /** {@code POST /send-notification/foo@example.com?q=some-query}. */
    static FakeInput request() {
        return FakeInput.of("POST", "/send-notification/foo@example.com", "q=some-query");
    }

    /** The compiled app, once checked to answer {@link #request()} with a {@code 200}. */
    static Application checked(Coda app) {
        var application = Internals.runtime(app).application();
        var outcome = application.handle(request());
        if (outcome.status() != 200 || outcome.failed()) {
            throw new IllegalStateException("tutorial002 did not answer 200: " + outcome);
        }
        return application;
    }
}
