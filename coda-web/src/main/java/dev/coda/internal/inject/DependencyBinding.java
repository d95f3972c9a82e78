package dev.coda.internal.inject;

import dev.coda.Managed;

/** A value produced by a dependency, computed once per request unless the use opts out of the cache. */
final class DependencyBinding implements Binding {

    private final CallPlan plan;
    private final boolean useCache;

    DependencyBinding(CallPlan plan, boolean useCache) {
        this.plan = plan;
        this.useCache = useCache;
    }

    @Override
    public Object resolve(RequestState state) throws Throwable {
        if (useCache) {
            var cached = state.cached(plan.key());
            if (cached != null) {
                return cached == NULL ? null : cached;
            }
        }
        var result = plan.call(state);
        Object value = result;
        if (result instanceof Managed<?> managed) {
            state.addCleanup(managed);
            value = managed.value();
        } else if (result instanceof AutoCloseable closeable) {
            state.addCleanup(closeable);
        }
        if (useCache) {
            state.cache(plan.key(), value == null ? NULL : value);
        }
        return value;
    }

    private static final Object NULL = new Object();

    CallPlan plan() {
        return plan;
    }

    @Override
    public String toString() {
        return "dependency " + plan;
    }
}
