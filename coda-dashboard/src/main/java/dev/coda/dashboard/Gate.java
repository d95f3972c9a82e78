package dev.coda.dashboard;

import dev.coda.Dependency;
import dev.coda.HttpException;
import dev.coda.Request;

/**
 * The dashboard's {@link Access} for one request: the {@link Authorizer}'s answer, lowered to {@link Access#LOOK} in
 * read-only mode; a request that may not look is refused here with {@code 403}, before any page reads the engine.
 */
final class Gate {

    private final Authorizer authorizer;
    private final boolean readOnly;

    Gate(Authorizer authorizer, boolean readOnly) {
        this.authorizer = authorizer;
        this.readOnly = readOnly;
    }

    @Dependency
    public Access access(Request request) throws Exception {
        var access = authorizer.access(request);
        if (access == null || !access.mayLook()) {
            throw new HttpException(403, "Forbidden: you may not see the task dashboard");
        }
        return readOnly && access.mayAct() ? Access.LOOK : access;
    }

    /** Refuses an action with {@code 403} unless {@code access} allows acting. */
    static void mayAct(Access access) {
        if (!access.mayAct()) {
            throw new HttpException(403, "Forbidden: this dashboard is read-only for you");
        }
    }
}
