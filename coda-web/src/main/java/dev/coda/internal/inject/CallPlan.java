package dev.coda.internal.inject;

import dev.coda.internal.binding.Errors;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Executable;

/**
 * How to call one method or constructor for a request: its argument bindings, resolved in FastAPI's
 * order (dependencies, then path, query, header, cookie, body), then passed in declaration order.
 */
public final class CallPlan {

    private final Object key;
    private final Executable executable;
    private final MethodHandle invoker;
    private final Binding[] bindings;
    private final int[] order;
    private final Validation.ParameterCheck parameterCheck;
    private final Object target;

    CallPlan(Object key, Executable executable, Object target, MethodHandle invoker, Binding[] bindings, int[] order,
             Validation.ParameterCheck parameterCheck) {
        this.key = key;
        this.executable = executable;
        this.target = target;
        this.invoker = invoker;
        this.bindings = bindings;
        this.order = order;
        this.parameterCheck = parameterCheck;
    }

    Object key() {
        return key;
    }

    public Executable executable() {
        return executable;
    }

    /**
     * Resolves the arguments and calls; returns {@link Errors#FAILED} without calling when an argument
     * did not bind. Exceptions thrown by the call propagate unchanged.
     */
    public Object call(RequestState state) throws Throwable {
        return call(state, false);
    }

    /**
     * Like {@link #call(RequestState)}; with {@code onlyIfRequestValid}, also skips the call when any
     * other part of the request failed to bind (the path operation itself is only called for a valid request).
     */
    public Object call(RequestState state, boolean onlyIfRequestValid) throws Throwable {
        var args = new Object[bindings.length];
        boolean failed = false;
        for (int index : order) {
            var value = bindings[index].resolve(state);
            failed |= value == Errors.FAILED;
            args[index] = value;
        }
        if (failed || onlyIfRequestValid && !state.errors().isEmpty()) {
            return Errors.FAILED;
        }
        if (parameterCheck != null && !parameterCheck.check(target, args, state.errors())) {
            return Errors.FAILED;
        }
        return invoker.invokeExact(args);
    }

    @Override
    public String toString() {
        return Describe.executable(executable);
    }
}
