package dev.coda.internal.inject;

import dev.coda.Managed;
import dev.coda.internal.security.SecuritySchemeSource;
import java.lang.reflect.Method;
import java.util.List;

/**
 * A value produced by a dependency, computed once per request unless the use opts out of the cache.
 * A provider whose declared result is {@link Managed} or {@link AutoCloseable} registers it for cleanup;
 * the runtime class of any other result does not matter, so a shared object that happens to be
 * closeable (a pool returned as {@code DataSource}) is never closed by Coda.
 */
final class DependencyBinding implements Binding {

    private final CallPlan plan;
    private final boolean useCache;
    private final boolean managed;
    private final boolean closeable;

    private final SecuritySchemeSource scheme;
    private final List<String> scopes;

    DependencyBinding(CallPlan plan, boolean useCache) {
        this(plan, useCache, null, List.of());
    }

    /** A dependency whose provider is a security scheme, reached with the given scopes. */
    DependencyBinding(CallPlan plan, boolean useCache, SecuritySchemeSource scheme, List<String> scopes) {
        this.scheme = scheme;
        this.scopes = List.copyOf(scopes);
        this.plan = plan;
        this.useCache = useCache;
        var executable = plan.executable();
        var declared = executable instanceof Method m ? m.getReturnType() : executable.getDeclaringClass();
        this.managed = declared == Managed.class;
        this.closeable = !managed && AutoCloseable.class.isAssignableFrom(declared);
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
        if (managed && result instanceof Managed<?> m) {
            state.addCleanup(m);
            value = m.value();
        } else if (closeable && result instanceof AutoCloseable c) {
            state.addCleanup(c);
        }
        if (useCache) {
            state.cache(plan.key(), value == null ? NULL : value);
        }
        return value;
    }

    private static final Object NULL = new Object();

    /** A dependency's parameters are the operation's, as FastAPI flattens them. */
    @Override
    public void describe(OperationSink sink) {
        if (scheme != null) {
            sink.security(scheme.schemeName(), scheme.definition(), scopes);
        }
        plan.describe(sink);
    }

    CallPlan plan() {
        return plan;
    }

    @Override
    public String toString() {
        return "dependency " + plan;
    }
}
