package dev.coda.internal.server;

import dev.coda.Middleware;
import dev.coda.Responds;
import java.util.ArrayList;
import java.util.List;

/**
 * What the routers around a route object add to each of its routes, FastAPI's include context: a path prefix, tags,
 * dependencies run first, extra documented responses, deprecation, whether it is documented, and middleware.
 *
 * @param requires dependency types run before the route's own, outermost first
 * @param responses extra responses, outermost first (a later one for the same status wins)
 * @param middleware the routers' middleware, outermost first
 */
public record RouteGroup(String prefix, List<String> tags, List<Class<?>> requires, List<Extra> responses, boolean deprecated,
                         boolean documented, List<Middleware> middleware) {

    /** No router: the route object was given to {@code Coda.Builder.routes}. */
    public static final RouteGroup NONE = new RouteGroup("", List.of(), List.of(), List.of(), false, true, List.of());

    public RouteGroup {
        tags = List.copyOf(tags);
        requires = List.copyOf(requires);
        responses = List.copyOf(responses);
        middleware = List.copyOf(middleware);
    }

    /** {@code inner} included in this group: prefixes composed, lists outer first, deprecated if either, documented if both. */
    public RouteGroup enclosing(RouteGroup inner) {
        return new RouteGroup(prefix + inner.prefix, concat(tags, inner.tags), concat(requires, inner.requires),
                concat(responses, inner.responses), deprecated || inner.deprecated, documented && inner.documented,
                concat(middleware, inner.middleware));
    }

    private static <T> List<T> concat(List<T> outer, List<T> inner) {
        var out = new ArrayList<>(outer);
        out.addAll(inner);
        return out;
    }

    /** A documented response: a router's, or a {@link Responds} annotation's. */
    public record Extra(int status, String description, Class<?> type, String mediaType) {

        public static Extra of(Responds responds) {
            return new Extra(responds.status(), responds.description(), responds.type(), responds.mediaType());
        }
    }

    /** A route object and the group it was included with. */
    public record Member(Object holder, RouteGroup group) {
    }
}
