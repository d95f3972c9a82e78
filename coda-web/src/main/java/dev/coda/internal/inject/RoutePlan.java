package dev.coda.internal.inject;

import dev.coda.internal.binding.Errors;
import java.util.List;

/**
 * A path operation ready to run: the dependencies it requires for their effect, then its own call.
 *
 * @param requirements dependencies run first, values discarded ({@code @Requires}, app-wide ones)
 * @param endpoint the path operation's own call
 * @param readsJsonBody whether the body must be parsed as JSON before binding
 */
public record RoutePlan(List<Binding> requirements, CallPlan endpoint, boolean readsJsonBody) {

    /**
     * Resolves everything and calls the path operation.
     *
     * @throws dev.coda.RequestValidationException when anything did not bind (every error at once)
     */
    public Object run(RequestState state) throws Throwable {
        for (var requirement : requirements) {
            requirement.resolve(state);
        }
        var result = endpoint.call(state, true);
        if (!state.errors().isEmpty()) {
            throw state.errors().toException();
        }
        return result == Errors.FAILED ? null : result;
    }

    /** Describes what the operation reads: its own parameters and dependencies, then its requirements'. */
    public void describe(OperationSink sink) {
        endpoint.describe(sink);
        for (var requirement : requirements) {
            requirement.describe(sink);
        }
    }
}
