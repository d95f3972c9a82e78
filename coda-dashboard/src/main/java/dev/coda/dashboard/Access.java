package dev.coda.dashboard;

/**
 * What a request may do with the dashboard, as an {@link Authorizer} decides: nothing, look, or look and act (retry,
 * cancel, delete, bulk actions and their dry runs). A {@linkplain TaskDashboard.Builder#readOnly read-only} dashboard lowers {@link #ACT} to {@link #LOOK}.
 *
 * <pre>{@code
 * TaskDashboard.builder(engine).authorize(request -> isAdmin(request) ? Access.ACT : Access.LOOK).build();
 * }</pre>
 */
public enum Access {
    /** Neither look nor act: {@code 403}. */
    NONE,
    /** See the pages; actions are hidden and refused with {@code 403}. */
    LOOK,
    /** See the pages and act on tasks. */
    ACT;

    boolean mayLook() {
        return this != NONE;
    }

    boolean mayAct() {
        return this == ACT;
    }
}
