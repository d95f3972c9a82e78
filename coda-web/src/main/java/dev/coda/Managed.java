package dev.coda;

import java.util.Objects;

/**
 * A dependency value with cleanup, the Java form of a FastAPI dependency with {@code yield}: the
 * value is injected, and {@code cleanup} runs once the response has been sent, in the reverse order
 * of creation, even when the request failed.
 *
 * <pre>{@code
 * @Dependency
 * static Managed<Session> session(Database db) {
 *     var session = db.openSession();
 *     return Managed.of(session, session::release);
 * }
 *
 * @Get("/users")
 * public List<User> users(Session session) { ... }   // receives the Session itself
 * }</pre>
 *
 * @apiNote A provider returning an {@link AutoCloseable} needs no wrapper: it is closed the same way.
 * @param <T> the injected value's type
 */
public final class Managed<T> implements AutoCloseable {

    private final T value;
    private final AutoCloseable cleanup;

    private Managed(T value, AutoCloseable cleanup) {
        this.value = value;
        this.cleanup = Objects.requireNonNull(cleanup, "cleanup");
    }

    /** A value with the action that releases it. */
    public static <T> Managed<T> of(T value, AutoCloseable cleanup) {
        return new Managed<>(value, cleanup);
    }

    /** The injected value. */
    public T value() {
        return value;
    }

    /** Runs the cleanup. */
    @Override
    public void close() throws Exception {
        cleanup.close();
    }
}
