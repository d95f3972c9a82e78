package dev.coda.durable.internal;

import dev.coda.durable.DurableState;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A task's state as stored in the {@code state} column, and the moves between states that the engine's
 * statements make; the one place that lists both.
 *
 * <pre>{@code
 * QUEUED    -> RUNNING (claim), CANCELLED (cancel)
 * RUNNING   -> RUNNING (an expired lease taken over), SUCCEEDED, FAILED, QUEUED (a retry later, a release)
 * FAILED    -> QUEUED (retried by an administrator)
 * CANCELLED -> QUEUED (retried by an administrator)
 * SUCCEEDED -> nothing (purged in the end, as CANCELLED)
 * any state but RUNNING -> deleted by an administrator
 * }</pre>
 *
 * <p>Example: {@code "WHERE state = " + StoredState.QUEUED.literal()} is {@code WHERE state = 'queued'}.
 */
enum StoredState {
    QUEUED("queued"),
    RUNNING("running"),
    SUCCEEDED("succeeded"),
    FAILED("failed"),
    CANCELLED("cancelled");

    private final String stored;

    StoredState(String stored) {
        this.stored = stored;
    }

    /** The value in the {@code state} column. */
    String stored() {
        return stored;
    }

    /** The value as a SQL string literal: inlined, not bound, so that the planner matches the partial indexes. */
    String literal() {
        return "'" + stored + "'";
    }

    /** Whether a statement may move a task from this state to {@code next}. */
    boolean canMoveTo(StoredState next) {
        return switch (this) {
            case QUEUED -> next == RUNNING || next == CANCELLED;
            case RUNNING -> next == RUNNING || next == SUCCEEDED || next == FAILED || next == QUEUED;
            case FAILED, CANCELLED -> next == QUEUED;
            case SUCCEEDED -> false;
        };
    }

    /** Whether tasks stay in this state for good (counted by counters, not indexes): succeeded, failed, cancelled. */
    boolean isFinal() {
        return !live().contains(this);
    }

    /** The states of a task that holds its unique key ({@code 'queued', 'running'}): it may not be stored twice. */
    static Set<StoredState> live() {
        return EnumSet.of(QUEUED, RUNNING);
    }

    /** {@code states} as a SQL list of literals, for {@code IN (...)}. */
    static String literals(Set<StoredState> states) {
        return states.stream().map(StoredState::literal).collect(Collectors.joining(", "));
    }

    static StoredState parse(String stored) {
        for (var state : values()) {
            if (state.stored.equals(stored)) {
                return state;
            }
        }
        throw new IllegalStateException("unknown stored task state: " + stored + " (known: " + Arrays.toString(values()) + ")");
    }

    /** The public state: a queued task whose {@code run_at} is still to come is {@link DurableState#SCHEDULED}. */
    DurableState toPublic(boolean later) {
        return switch (this) {
            case QUEUED -> later ? DurableState.SCHEDULED : DurableState.QUEUED;
            case RUNNING -> DurableState.RUNNING;
            case SUCCEEDED -> DurableState.SUCCEEDED;
            case FAILED -> DurableState.FAILED;
            case CANCELLED -> DurableState.CANCELLED;
        };
    }

    /**
     * A row's {@code later} column, for {@link #ofRow}: whether its {@code run_at} is still to come on the database's
     * clock, the clock a claim compares it with (a task shown queued is one a claim would take).
     */
    static final String LATER = "CASE WHEN run_at > {now} THEN 1 ELSE 0 END AS later";

    /** The public state of a row that selected {@code state} and {@link #LATER}. */
    static DurableState ofRow(ResultSet rows) throws SQLException {
        return parse(rows.getString("state")).toPublic(rows.getInt("later") == 1);
    }
}
