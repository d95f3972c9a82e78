package dev.coda.dashboard;

import dev.coda.Request;

/**
 * Decides who may look at the dashboard and who may act on its tasks, once per request, before any page or action
 * runs. It may also throw an {@link dev.coda.HttpException}, such as a {@code 401} with a {@code WWW-Authenticate}
 * header that makes the browser ask for a password.
 *
 * <pre>{@code
 * Authorizer basic = request -> switch (users.check(request.header("Authorization").orElse(""))) {
 *     case ADMIN -> Access.ACT;
 *     case SUPPORT -> Access.LOOK;
 *     case UNKNOWN -> throw new HttpException(401, "Not authenticated", Map.of("WWW-Authenticate", "Basic realm=\"tasks\""));
 * };
 * TaskDashboard.builder(engine).authorize(basic).build();
 * }</pre>
 */
@FunctionalInterface
public interface Authorizer {

    /** Everyone may look and act: for a dashboard behind the app's own authentication, or on a developer's machine. */
    Authorizer EVERYONE = request -> Access.ACT;

    /** What this request may do. */
    Access access(Request request) throws Exception;
}
