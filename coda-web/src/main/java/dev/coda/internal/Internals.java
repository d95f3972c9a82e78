package dev.coda.internal;

import dev.coda.Coda;
import dev.coda.internal.server.AfterResponse;
import dev.coda.internal.server.Application;
import java.util.function.Function;

/** Gives Coda's own packages (the test client) the compiled parts of a {@link Coda} app. */
public final class Internals {

    /** The compiled parts of an app. */
    public record Runtime(Application application, AfterResponse afterResponse) {
    }

    private static volatile Function<Coda, Runtime> access;

    private Internals() {
    }

    public static void setAccess(Function<Coda, Runtime> accessor) {
        access = accessor;
    }

    public static Runtime runtime(Coda app) {
        return access.apply(app);
    }
}
