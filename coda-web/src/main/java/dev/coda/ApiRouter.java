package dev.coda;

import dev.coda.internal.server.RouteGroup;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Route objects grouped under a path prefix, with tags, dependencies and documented responses that apply to every one of
 * their path operations: FastAPI's {@code APIRouter}. Routers nest; an app adds them with {@link Coda.Builder#include}.
 * Prefixes compose, and tags, {@link #requires required dependencies}, {@link #responds responses} and {@link #middleware}
 * accumulate from the outermost router inwards, before the class's and the method's own ({@link Operation}, {@link Requires}, {@link Responds}).
 *
 * <pre>{@code
 * var items = ApiRouter.prefix("/items")
 *     .tags("items")
 *     .requires(XToken.class)
 *     .responds(404, "Not found")
 *     .routes(new ItemRoutes());                  // @Get("/") is GET /items/, @Get("/{item_id}") is GET /items/{item_id}
 *
 * Coda.app()
 *     .requires(QueryToken.class)
 *     .routes(new Users())
 *     .include(items)
 *     .include(ApiRouter.prefix("/admin").tags("admin").responds(418, "I'm a teapot").include(admin))   // FastAPI's
 *     .run();                                     // app.include_router(admin.router, prefix="/admin", tags=..., responses=...)
 * }</pre>
 *
 * <p>FastAPI's {@code include_router(router, prefix=..., tags=..., dependencies=...)} is an enclosing router carrying those
 * settings, as in the last {@code include}. A router is read when the app is built: changes after that are not seen.
 *
 * @apiNote Named {@code ApiRouter} after FastAPI's {@code APIRouter}; a plain {@code Router} would read as the request
 *     router, and {@code Routes} as {@link Coda.Builder#routes}.
 */
public final class ApiRouter {

    private final String prefix;
    private final List<String> tags = new ArrayList<>();
    private final List<Class<?>> requires = new ArrayList<>();
    private final List<RouteGroup.Extra> responses = new ArrayList<>();
    private final List<Middleware> middleware = new ArrayList<>();
    private boolean deprecated;
    private boolean hidden;
    private final List<Object> members = new ArrayList<>();     // route objects and routers, in the order given

    private ApiRouter(String prefix) {
        this.prefix = prefix;
    }

    /**
     * A router whose routes' paths start with {@code prefix}: {@code ""} for none, else it starts with {@code /} and does
     * not end with one, as FastAPI requires ({@code @Get("/")} under {@code /items} is {@code /items/}; {@code @Get("")}
     * is {@code /items}).
     */
    public static ApiRouter prefix(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        if (!prefix.isEmpty() && !prefix.startsWith("/")) {
            throw new IllegalArgumentException("a router's prefix must start with '/': " + prefix);
        }
        if (prefix.endsWith("/")) {
            throw new IllegalArgumentException("a router's prefix must not end with '/', as the routes' paths start with one: " + prefix);
        }
        return new ApiRouter(prefix);
    }

    /** Adds objects whose annotated methods are path operations, as {@link Coda.Builder#routes}; their paths get the prefix. */
    public ApiRouter routes(Object... handlers) {
        for (var h : handlers) {
            members.add(Objects.requireNonNull(h, "handler"));
        }
        return this;
    }

    /** Includes another router: its prefix follows this one's, its tags, dependencies and responses follow this one's. */
    public ApiRouter include(ApiRouter router) {
        if (Objects.requireNonNull(router, "router") == this) {
            throw new IllegalArgumentException("a router cannot include itself");
        }
        members.add(router);
        return this;
    }

    /** Tags for the OpenAPI document of every path operation of the router, before their own. */
    public ApiRouter tags(String... tags) {
        this.tags.addAll(List.of(tags));
        return this;
    }

    /** Dependencies run first, for their effect, by every path operation of the router ({@link Requires} on each). */
    public ApiRouter requires(Class<?>... types) {
        this.requires.addAll(List.of(types));
        return this;
    }

    /** A response the document lists for every path operation of the router, without a body schema ({@link Responds}). */
    public ApiRouter responds(int status, String description) {
        return responds(status, description, void.class);
    }

    /** A response whose JSON body is {@code type}, listed for every path operation of the router; theirs for a status win. */
    public ApiRouter responds(int status, String description, Class<?> type) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status " + status + " is not an HTTP status code");
        }
        responses.add(new RouteGroup.Extra(status, Objects.requireNonNull(description, "description"), Objects.requireNonNull(type, "type"),
                Response.JSON));
        return this;
    }

    /**
     * Middleware around every path operation of the router and of the routers it includes, inside the app's middleware and
     * an enclosing router's; the first given is the outermost. A request that matches none of its routes does not meet it.
     *
     * <pre>{@code
     * ApiRouter.prefix("/admin")
     *     .middleware((request, chain) -> request.header("X-Admin").isPresent()
     *             ? chain.proceed()
     *             : Response.json(403, Map.of("detail", "Forbidden")))
     *     .routes(new Admin());
     * }</pre>
     */
    public ApiRouter middleware(Middleware... middleware) {
        for (var m : middleware) {
            this.middleware.add(Objects.requireNonNull(m, "middleware"));
        }
        return this;
    }

    /** Shows every path operation of the router as deprecated. */
    public ApiRouter deprecated(boolean deprecated) {
        this.deprecated = deprecated;
        return this;
    }

    /** Leaves every path operation of the router out of the document (they are still served): {@code include_in_schema=False}. */
    public ApiRouter hidden(boolean hidden) {
        this.hidden = hidden;
        return this;
    }

    /** The route objects of this router and of those it includes, each with everything the routers around it add. */
    List<RouteGroup.Member> members(RouteGroup outer) {
        var out = new ArrayList<RouteGroup.Member>();
        collect(outer, out, Collections.newSetFromMap(new IdentityHashMap<>()));
        return out;
    }

    private void collect(RouteGroup outer, List<RouteGroup.Member> out, Set<ApiRouter> open) {
        if (!open.add(this)) {
            throw new IllegalStateException("Coda cannot start: a router includes itself, through the routers it includes (prefix '"
                    + prefix + "')");
        }
        var group = outer.enclosing(new RouteGroup(prefix, tags, requires, responses, deprecated, !hidden, middleware));
        for (var member : members) {
            if (member instanceof ApiRouter router) {
                router.collect(group, out, open);
            } else {
                out.add(new RouteGroup.Member(member, group));
            }
        }
        open.remove(this);
    }
}
