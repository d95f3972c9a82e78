package dev.coda.internal.server;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An app's startup and shutdown: its app-scoped resources and hooks, run in declaration order when the app starts and
 * undone in reverse order when it stops, like nested try-with-resources. Opened by each user of the app (the server,
 * each test client) and undone when the last one closes it, so that they share the resources.
 */
public final class Lifespan {

    private static final Logger LOG = LoggerFactory.getLogger("dev.coda");

    /** A startup action and what undoes it. */
    public sealed interface Step {
    }

    /** An app-scoped resource: created by {@code factory} at startup, closed at shutdown if it is {@link AutoCloseable}. */
    public record Resource(Class<?> type, Callable<?> factory) implements Step {
    }

    /** A hook run at startup ({@code startup}) or shutdown ({@code shutdown}); the other is {@code null}. */
    public record Hook(Callable<?> startup, Callable<?> shutdown) implements Step {
    }

    private final List<Step> steps;
    private int users;
    private volatile Map<Class<?>, Object> open;                // null while closed
    private final Deque<Undo> undo = new ArrayDeque<>();

    private record Undo(String what, Callable<?> action) {
    }

    public Lifespan(List<Step> steps) {
        this.steps = List.copyOf(steps);
    }

    /** The types of the app-scoped resources. */
    public List<Class<?>> resourceTypes() {
        return steps.stream().filter(s -> s instanceof Resource).<Class<?>>map(s -> ((Resource) s).type()).toList();
    }

    /**
     * Creates the resources and runs the startup hooks, in order, unless another user opened them already. A failure
     * undoes what was done, in reverse order, and is reported as an {@link IllegalStateException} naming the step.
     */
    public synchronized void open() {
        if (users++ > 0) {
            return;
        }
        var created = new LinkedHashMap<Class<?>, Object>();
        for (var step : steps) {
            try {
                switch (step) {
                    case Resource r -> {
                        var value = r.factory().call();
                        if (!r.type().isInstance(value)) {
                            throw new IllegalStateException("its factory returned " + (value == null ? "null" : value.getClass().getName()));
                        }
                        created.put(r.type(), value);
                        if (value instanceof AutoCloseable closeable) {
                            undo.push(new Undo("closing the resource " + r.type().getSimpleName(), () -> {
                                closeable.close();
                                return null;
                            }));
                        }
                    }
                    case Hook h when h.startup() != null -> h.startup().call();
                    case Hook h -> undo.push(new Undo("a shutdown hook", h.shutdown()));
                }
            } catch (Exception e) {
                users = 0;
                undoAll();
                var what = step instanceof Resource r ? "the resource " + r.type().getSimpleName() + " could not be created"
                        : "a startup hook failed";
                throw new IllegalStateException("Coda cannot start: " + what + ": " + e, e);
            }
        }
        open = Map.copyOf(created);
    }

    /** Runs the shutdown hooks and closes the resources in reverse order, once the last user closes; failures are logged. */
    public synchronized void close() {
        if (users == 0 || --users > 0) {
            return;
        }
        open = null;
        undoAll();
    }

    private void undoAll() {
        while (!undo.isEmpty()) {
            var step = undo.pop();
            try {
                step.action().call();
            } catch (Exception e) {
                LOG.error("Coda stopping: {} failed", step.what(), e);
            }
        }
    }

    /** The open resource of {@code type}, for injection. */
    public Object resource(Class<?> type) {
        var resources = open;
        if (resources == null) {
            throw new IllegalStateException("the app-scoped resource " + type.getSimpleName()
                    + " is not open: the app has not been started, or has stopped");
        }
        return resources.get(type);
    }
}
