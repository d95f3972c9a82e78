package dev.coda.internal.server;

import dev.coda.internal.inject.RoutePlan;
import dev.coda.internal.routing.PathTemplate;
import java.lang.reflect.Method;

/**
 * A compiled path operation.
 *
 * @param status the status of a successful answer that is not a {@code Response}
 * @param documented whether the app's OpenAPI document describes it (not the routes that serve the document itself)
 */
public record Route(String httpMethod, PathTemplate template, Method method, RoutePlan plan, int status, boolean documented) {

    /** {@code POST /send-notification/{email}}: how logs name the route. */
    public String origin() {
        return httpMethod + " " + template.text();
    }

    @Override
    public String toString() {
        return httpMethod + " " + template.text() + " -> " + method.getDeclaringClass().getSimpleName() + "." + method.getName();
    }
}
