package dev.coda.internal;

import java.util.function.Supplier;

/**
 * A value computed on first use, then kept: the same object for every later call, from any thread; the computation
 * runs once (a failed one runs again on the next call) and is dropped afterwards.
 *
 * <pre>{@code
 * Supplier<byte[]> document = new Once<>(() -> render(routes));
 * }</pre>
 */
public final class Once<T> implements Supplier<T> {

    private Supplier<? extends T> compute;
    private volatile T value;

    public Once(Supplier<? extends T> compute) {
        this.compute = compute;
    }

    @Override
    public T get() {
        var v = value;
        if (v == null) {
            synchronized (this) {
                v = value;
                if (v == null) {
                    v = compute.get();
                    value = v;
                    compute = null;
                }
            }
        }
        return v;
    }
}
