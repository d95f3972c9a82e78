package dev.coda.durable.internal;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * Whether an engine's database is known to be unreachable, so that calls fail at once instead of each waiting
 * for a connection or lock timeout (a request would wait seconds, and a group of enqueues many times that).
 * Not part of Coda's API.
 *
 * <p>A call that finds the database unreachable marks it down. For the next {@code window} every call is refused
 * at once with {@link Refused}; after it, one call at a time goes through as a probe while the others are still
 * refused. The first call that reaches the database (it succeeds, or fails for another reason) marks it up, unless
 * its success proves nothing (a read of a SQLite file that another process keeps locked for writing). One
 * WARN line when the database goes down, one INFO line when it is back: an outage is two lines, however many
 * calls it refused.
 *
 * <pre>{@code
 * var health = new EngineHealth(LOG, () -> "PostgreSQL schema coda", Duration.ofSeconds(1), InstantSource.system());
 * var ids = health.call(() -> insert(tasks), engine::isUnavailable);   // throws Refused while the database is down
 * }</pre>
 */
final class EngineHealth {

    /** Work on the database. */
    @FunctionalInterface
    interface SqlCall<T> {
        T run() throws SQLException;
    }

    /** A call refused without trying, because the database is known to be unreachable. */
    static final class Refused extends SQLTransientConnectionException {

        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message, "08000");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;            // refused by design, thousands of times a second: where is not news
        }
    }

    private static final long UP = Long.MIN_VALUE;

    private final Logger log;
    private final Supplier<String> engine;
    private final long windowMillis;
    private final InstantSource clock;
    private final AtomicBoolean probing = new AtomicBoolean();
    private final AtomicLong refused = new AtomicLong();
    /** When the database was found unreachable, in the clock's milliseconds; {@link #UP} while it is not. */
    private volatile long downSince = UP;
    private volatile long lastFailure;
    private volatile String lastError = "";

    /**
     * @param engine describes the engine in log lines and messages (called only when they are written)
     * @param window how long calls are refused after a call found the database unreachable
     */
    EngineHealth(Logger log, Supplier<String> engine, Duration window, InstantSource clock) {
        this.log = Objects.requireNonNull(log, "log");
        this.engine = Objects.requireNonNull(engine, "engine");
        this.windowMillis = window.toMillis();
        this.clock = Objects.requireNonNull(clock, "clock");
        if (windowMillis < 0) {
            throw new IllegalArgumentException("negative window: " + window);
        }
    }

    /**
     * Runs {@code call} unless the database is known to be down; records whether it reached the database.
     *
     * @param unavailable which failures mean that the database could not be reached
     * @throws Refused if the database is down and this call is not the one probing it
     */
    <T> T call(SqlCall<T> call, Predicate<SQLException> unavailable) throws SQLException {
        return call(call, unavailable, true);
    }

    /**
     * {@link #call(SqlCall, Predicate)} for a call whose success may not show that the database is available again
     * ({@code successShowsAvailability} false): it does not mark the database up, its failures still mark it down.
     */
    <T> T call(SqlCall<T> call, Predicate<SQLException> unavailable, boolean successShowsAvailability) throws SQLException {
        boolean probe = admit();
        try {
            T result = call.run();
            if (successShowsAvailability) {
                reached();
            }
            return result;
        } catch (SQLException e) {
            if (unavailable.test(e)) {
                unreachable(e);
            } else {
                reached();
            }
            throw e;
        } finally {
            if (probe) {
                probing.set(false);
            }
        }
    }

    /** Whether the database is known to be down now. */
    boolean down() {
        return downSince != UP;
    }

    /** @return whether the call is a probe of a database known to be down */
    private boolean admit() throws Refused {
        if (downSince == UP) {
            return false;
        }
        if (clock.millis() - lastFailure >= windowMillis && probing.compareAndSet(false, true)) {
            return true;
        }
        refused.incrementAndGet();
        long since = downSince;
        throw new Refused("unavailable since " + (since == UP ? "a moment ago" : Instant.ofEpochMilli(since))
                + " (" + lastError + "); calls fail at once, one tries it every " + windowMillis + " ms");
    }

    private void reached() {
        if (downSince == UP) {
            return;
        }
        synchronized (this) {
            if (downSince == UP) {
                return;
            }
            long outage = clock.millis() - downSince;
            downSince = UP;
            log.info("{} is available again after {} ms; {} call(s) were refused meanwhile", engine.get(), outage, refused.getAndSet(0));
        }
    }

    private void unreachable(SQLException e) {
        long now = clock.millis();
        synchronized (this) {
            lastError = rootMessage(e);
            lastFailure = now;
            if (downSince == UP) {
                downSince = now;
                refused.set(0);
                log.warn("{} is unavailable ({}); calls fail at once, one tries it every {} ms until it answers", engine.get(), lastError,
                        windowMillis);
            }
        }
    }

    /** The innermost message of a failure: the connection error under a pool's timeout, without class names. */
    static String rootMessage(Throwable e) {
        var message = e.getMessage();
        for (var cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null) {
                message = cause.getMessage();
            }
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
