package dev.coda.internal.server;

import dev.coda.Operation;
import dev.coda.internal.Names;
import dev.coda.internal.inject.RoutePlan;
import dev.coda.internal.routing.PathTemplate;
import java.lang.reflect.Method;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * A compiled path operation.
 *
 * @param status the status of a successful answer that is not a {@code Response}
 * @param group what the routers around it add; {@code null} for Coda's own routes (the document, its pages, static files),
 *     which the OpenAPI document leaves out
 * @param middleware the app's and its routers' middleware, outermost first; {@code null} when there is none, so that the
 *     request path tests one field
 */
public record Route(String httpMethod, PathTemplate template, Method method, RoutePlan plan, int status, RouteGroup group,
                    MiddlewareStack middleware) {

    /** Whether the app's OpenAPI document may describe it (not the routes that serve the document itself). */
    public boolean documented() {
        return group != null && group.documented();
    }

    /** {@code POST /send-notification/{email}}: how logs name the route. */
    public String origin() {
        return httpMethod + " " + template.text();
    }

    /** The path as OpenAPI writes it: {@code {rest:path}} is {@code {rest}}. */
    public String documentPath() {
        return template.text().replaceAll("\\{(\\w+):\\w+}", "{$1}");
    }

    /** Its tags, each once: the routers', then the class's {@code @Operation}, then the method's. */
    public List<String> tags() {
        var tags = new LinkedHashSet<String>(group == null ? List.of() : group.tags());
        var owner = method.getDeclaringClass().getAnnotation(Operation.class);
        if (owner != null) {
            tags.addAll(List.of(owner.tags()));
        }
        var own = method.getAnnotation(Operation.class);
        if (own != null) {
            tags.addAll(List.of(own.tags()));
        }
        return List.copyOf(tags);
    }

    /** Its operation id: {@code @Operation(id)}, else FastAPI's {@code read_item_items__item_id__get} (before the document makes it unique). */
    public String operationId() {
        var own = method.getAnnotation(Operation.class);
        return own != null && !own.id().isEmpty() ? own.id()
                : (Names.snake(method.getName()) + documentPath()).replaceAll("\\W", "_") + "_" + httpMethod.toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return httpMethod + " " + template.text() + " -> " + method.getDeclaringClass().getSimpleName() + "." + method.getName();
    }
}
