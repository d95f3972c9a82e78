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
    private final int dependencies;

    CallPlan(Object key, Executable executable, Object target, MethodHandle invoker, Binding[] bindings, int[] order,
             int dependencies, Validation.ParameterCheck parameterCheck) {
        this.dependencies = dependencies;
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
        var errors = state.errors();
        boolean failed = false;
        int ownErrorsFrom = -1;
        for (int k = 0; k < order.length; k++) {
            if (k == dependencies) {
                ownErrorsFrom = errors.size();
            }
            int index = order[k];
            var value = bindings[index].resolve(state);
            failed |= value == Errors.FAILED;
            args[index] = value;
        }
        if (parameterCheck != null) {
            if (ownErrorsFrom < 0) {
                ownErrorsFrom = errors.size();
            }
            boolean[] skip = null;
            var checked = args;
            if (failed) {
                skip = new boolean[args.length];
                checked = args.clone();
                for (int i = 0; i < args.length; i++) {
                    if (args[i] == Errors.FAILED) {
                        skip[i] = true;
                        checked[i] = null;
                    }
                }
            }
            failed |= !parameterCheck.check(target, checked, skip, errors);
            errors.sortBySourceFrom(ownErrorsFrom);
        }
        if (failed || onlyIfRequestValid && !errors.isEmpty()) {
            return Errors.FAILED;
        }
        return invoker.invokeExact(args);
    }

    /** Describes the call's own parameters in declaration order, then its dependencies' (FastAPI's order). */
    public void describe(OperationSink sink) {
        for (var binding : bindings) {
            if (binding != null && !(binding instanceof DependencyBinding)) {
                binding.describe(sink);
            }
        }
        for (var binding : bindings) {
            if (binding instanceof DependencyBinding) {
                binding.describe(sink);
            }
        }
    }

    @Override
    public String toString() {
        return Describe.executable(executable);
    }
}
