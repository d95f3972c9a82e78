package dev.coda.internal.server;

import dev.coda.internal.inject.RoutePlan;
import dev.coda.internal.routing.PathTemplate;
import java.lang.reflect.Method;

/**
 * A compiled path operation.
 *
 * @param status the status of a successful answer that is not a {@code Response}
 * @param group what the routers around it add; {@code null} for Coda's own routes (the document, its pages, static files),
 *     which the OpenAPI document leaves out
 */
public record Route(String httpMethod, PathTemplate template, Method method, RoutePlan plan, int status, RouteGroup group) {

    /** Whether the app's OpenAPI document may describe it (not the routes that serve the document itself). */
    public boolean documented() {
        return group != null && group.documented();
    }

    /** {@code POST /send-notification/{email}}: how logs name the route. */
    public String origin() {
        return httpMethod + " " + template.text();
    }

    @Override
    public String toString() {
        return httpMethod + " " + template.text() + " -> " + method.getDeclaringClass().getSimpleName() + "." + method.getName();
    }
}
