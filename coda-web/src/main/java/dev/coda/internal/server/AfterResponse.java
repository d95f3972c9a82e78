package dev.coda.internal.server;

import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Work that starts once Jetty has completed an exchange (the last byte written and the handler
 * returned): closing dependency resources. The completion listener only hands the work to an
 * executor, so it never delays the response nor the next request on the connection.
 */
public class AfterResponse {

    private static final Logger LOG = LoggerFactory.getLogger("dev.coda");

    private final Executor executor;

    public AfterResponse(Executor executor) {
        this.executor = executor;
    }

    /** Whether this outcome has work to do after the response. */
    public boolean needed(Outcome outcome) {
        return !outcome.state().cleanups().isEmpty();
    }

    /** Called by Jetty's completion listener; {@code failure} is {@code null} when the response was fully sent. */
    public void completed(Outcome outcome, Throwable failure) {
        executor.execute(() -> closeResources(outcome));
    }

    /** Closes the request's dependency resources, most recent first; failures are logged, and the rest still close. */
    protected void closeResources(Outcome outcome) {
        for (var cleanup : outcome.state().cleanups()) {
            try {
                cleanup.close();
            } catch (Throwable e) {   // an Error in one cleanup must not leave the others open either
                LOG.error("Closing a dependency resource of {} {} failed", outcome.state().method(), outcome.state().path(), e);
            }
        }
    }
}
