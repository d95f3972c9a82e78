package dev.coda.internal.inject;

/** Produces one argument of a path operation or dependency for a request. */
@FunctionalInterface
public interface Binding {

    /** The value, or {@code Errors.FAILED} after recording errors in the request state. */
    Object resolve(RequestState state) throws Throwable;

    /** Tells the OpenAPI document what this binding reads; request-scoped values ({@code Request}, tasks) read nothing. */
    default void describe(OperationSink sink) {
    }
}
