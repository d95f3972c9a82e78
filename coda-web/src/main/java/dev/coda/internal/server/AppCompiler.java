package dev.coda.internal.server;

import dev.coda.Delete;
import dev.coda.Dependency;
import dev.coda.ExceptionHandler;
import dev.coda.Get;
import dev.coda.Middleware;
import dev.coda.Patch;
import dev.coda.Post;
import dev.coda.Put;
import dev.coda.Request;
import dev.coda.Requires;
import dev.coda.StaticFiles;
import dev.coda.internal.binding.JsonReaders;
import dev.coda.internal.docs.DocsUi;
import dev.coda.internal.files.StaticRoute;
import dev.coda.internal.inject.Describe;
import dev.coda.internal.inject.Planner;
import dev.coda.internal.inject.Provider;
import dev.coda.internal.inject.RequestState;
import dev.coda.internal.inject.Validation;
import dev.coda.tasks.internal.Json;
import dev.coda.internal.Once;
import dev.coda.internal.openapi.Docs;
import dev.coda.internal.openapi.OpenApiGenerator;
import dev.coda.tasks.BackgroundTasks;
import dev.coda.tasks.TaskRuntime;
import dev.coda.internal.routing.PathTemplate;
import dev.coda.internal.routing.Router;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/** Compiles the declarations given to {@code Coda.Builder} into an {@link Application}, checking everything. */
public final class AppCompiler {

    private AppCompiler() {
    }

    /**
     * Compiles an app whose {@code BackgroundTasks} come from {@code tasks}. The request-scoped types are
     * {@code Request} and {@code BackgroundTasks}: created once per request, on first use, and the same
     * object for every parameter of the request.
     */
    public static Application compile(List<RouteGroup.Member> members, List<Object> dependencyObjects, List<Class<?>> appRequires,
                                      List<Middleware> appMiddleware, Map<Class<?>, ExceptionHandler<?>> exceptionHandlers, Settings settings,
                                      TaskRuntime tasks, Docs docs, Map<String, StaticFiles> staticFiles, Lifespan lifespan,
                                      List<Object> overrides) {
        Function<RequestState, BackgroundTasks> backgroundTasks = state -> tasks.newTasks(state.origin(), state.id());
        var scoped = new LinkedHashMap<Class<?>, Function<RequestState, ?>>();
        scoped.put(Request.class, state -> state);
        scoped.put(BackgroundTasks.class, backgroundTasks);
        var problems = new ArrayList<String>();
        for (var type : lifespan.resourceTypes()) {
            if (scoped.putIfAbsent(type, state -> lifespan.resource(type)) != null) {
                problems.add("the app-scoped resource " + type.getSimpleName() + " is a type Coda provides per request");
            }
        }
        var routeObjects = members.stream().map(RouteGroup.Member::holder).toList();
        var providers = providersOf(concat(routeObjects, dependencyObjects), problems);
        for (var override : providersOf(overrides, problems)) {
            providers.removeAll(overridden(providers, override));
            providers.add(override);
        }
        for (var provider : providers) {
            if (lifespan.resourceTypes().contains(provider.providedClass())) {
                problems.add(Describe.executable(provider.method()) + " returns " + provider.providedClass().getSimpleName()
                        + ", which is an app-scoped resource: one of them would never be used");
            }
        }
        var mapper = Json.newMapper();
        var validation = new Validation();
        var planner = new Planner(providers, scoped, new JsonReaders(mapper), validation);
        var router = new Router<Route>();
        var routes = new ArrayList<Route>();
        int routeCount = 0;
        for (var member : members) {
            var holder = member.holder();
            var group = member.group();
            var type = holder instanceof Class<?> c ? c : holder.getClass();
            for (var m : methodsOf(holder)) {
                for (var declared : routesOf(m)) {
                    routeCount++;
                    if (holder instanceof Class<?> && !Modifier.isStatic(m.getModifiers())) {
                        problems.add(Describe.executable(m) + " is an instance method, but only its class was registered; register an instance");
                        continue;
                    }
                    PathTemplate template;
                    try {
                        template = PathTemplate.parse(group.prefix() + declared.path());
                    } catch (IllegalArgumentException e) {
                        problems.add(Describe.executable(m) + ": " + e.getMessage());
                        continue;
                    }
                    var requires = new ArrayList<>(appRequires);
                    requires.addAll(group.requires());
                    if (type.isAnnotationPresent(Requires.class)) {
                        requires.addAll(List.of(type.getAnnotation(Requires.class).value()));
                    }
                    if (m.isAnnotationPresent(Requires.class)) {
                        requires.addAll(List.of(m.getAnnotation(Requires.class).value()));
                    }
                    var plan = planner.planRoute(m, holder instanceof Class<?> ? null : holder,
                            new HashSet<>(template.placeholders()), requires);
                    int status = declared.status() == 0 ? 200 : declared.status();
                    if (status < 100 || status > 599) {
                        problems.add(Describe.executable(m) + ": status " + status + " is not an HTTP status code");
                    }
                    // added even when the plan has problems (the app is not built then), so that a route
                    // declared twice is reported together with them
                    var route = withMiddleware(new Route(declared.method(), template, m, plan, status, group, null),
                            concat(appMiddleware, group.middleware()));
                    routes.add(route);
                    try {
                        router.add(declared.method(), template, route);
                    } catch (IllegalArgumentException e) {
                        problems.add(e.getMessage());
                    }
                }
            }
        }
        Supplier<byte[]> document = new Once<>(() -> documentOf(mapper, validation, docs, routes));
        var docsRoutes = new DocsRoutes(document);
        addDocsRoutes(docs, docsRoutes, planner, router, problems, appMiddleware);
        staticFiles.forEach((prefix, files) -> {
            var mount = new StaticRoute(files);
            problems.addAll(mount.problems(prefix.isEmpty() ? "/" : prefix));
            addBuiltIn(prefix + "/{path:path}", StaticRoute.SERVE, mount, planner, router, problems, "static files at " + prefix,
                    appMiddleware);
        });
        problems.addAll(planner.problems());
        problems.addAll(mountConflicts(settings.mounts(), routes, docs, staticFiles.keySet()));
        if ((routeObjects.isEmpty() || routeCount == 0 && problems.isEmpty()) && staticFiles.isEmpty() && settings.mounts().isEmpty()) {
            problems.add("no path operations: pass objects with @Get, @Post, ... methods to Coda.app().routes(...)");
        }
        if (!problems.isEmpty()) {
            // a dependency used by several routes is planned, and its problems found, once per route
            var distinct = problems.stream().distinct().toList();
            throw new IllegalStateException("Coda cannot start; " + distinct.size() + " problem(s) in the declarations:\n  - "
                    + String.join("\n  - ", distinct));
        }
        return new Application(router, routes, exceptionHandlers, mapper, settings, tasks, document, MiddlewareStack.of(appMiddleware, null));
    }

    /** The route with its middleware around it, described for them; the route as it is without any. */
    private static Route withMiddleware(Route route, List<Middleware> layers) {
        if (layers.isEmpty()) {
            return route;
        }
        var described = new Middleware.Route(route.httpMethod(), route.template().text(), route.operationId(), route.tags(), route.method());
        return new Route(route.httpMethod(), route.template(), route.method(), route.plan(), route.status(), route.group(),
                MiddlewareStack.of(layers, described));
    }

    /**
     * What a mount would hide or be hidden by: a route, a page of the docs or static files at or below its prefix, or
     * another mount above, below or at it (a mount takes every path below its prefix).
     */
    private static List<String> mountConflicts(List<Settings.Mount> mounts, List<Route> routes, Docs docs, java.util.Set<String> staticPrefixes) {
        var problems = new ArrayList<String>();
        var taken = new java.util.LinkedHashMap<String, String>();
        for (var route : routes) {
            taken.putIfAbsent(route.template().text(), "the route " + route.httpMethod() + " " + route.template().text());
        }
        for (var url : java.util.Arrays.asList(docs.openapiUrl(), docs.docsUrl(), docs.redocUrl())) {
            if (url != null && docs.openapiUrl() != null) {
                taken.putIfAbsent(url, "the docs at " + url);
            }
        }
        staticPrefixes.forEach(prefix -> taken.putIfAbsent(prefix.isEmpty() ? "/" : prefix, "the static files at " + prefix));
        for (var mount : mounts) {
            var prefix = mount.prefix();
            taken.forEach((path, what) -> {
                if (path.equals(prefix) || path.startsWith(prefix + "/") || what.startsWith("a mount") && prefix.startsWith(path + "/")
                        || what.startsWith("the static files") && (path.equals("/") || prefix.startsWith(path + "/"))) {
                    problems.add("the mount at " + prefix + " conflicts with " + what + ": a mount takes every path below its prefix");
                }
            });
            taken.putIfAbsent(prefix, "a mount at " + prefix);
        }
        return problems;
    }

    /** The document of the app's routes, as served. */
    static byte[] documentOf(com.fasterxml.jackson.databind.ObjectMapper mapper, Validation validation, Docs docs, List<Route> routes) {
        try {
            return mapper.writeValueAsBytes(new OpenApiGenerator(mapper, validation).generate(docs.info(), routes));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("the OpenAPI document cannot be written", e);
        }
    }

    /** The routes that serve the document and its pages, at the paths the app chose; none for a path set to null. */
    private static void addDocsRoutes(Docs docs, DocsRoutes docsRoutes, Planner planner, Router<Route> router, List<String> problems,
                                      List<Middleware> appMiddleware) {
        if (docs.openapiUrl() == null) {
            return;
        }
        try {
            addBuiltIn(docs.openapiUrl(), DocsRoutes.class.getMethod("openapi", Request.class), docsRoutes, planner, router, problems,
                    DOCS, appMiddleware);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
        var ui = new DocsUi(docs);
        problems.addAll(ui.problems());
        for (var endpoint : ui.endpoints()) {
            addBuiltIn(endpoint.path(), endpoint.method(), ui, planner, router, problems, DOCS, appMiddleware);
        }
    }

    private static final String DOCS = "the path of the OpenAPI document or its pages";

    /** A route of Coda's own, never in the document, inside the app's middleware; {@code what} names it in a problem. */
    private static void addBuiltIn(String path, Method m, Object target, Planner planner, Router<Route> router, List<String> problems,
                                   String what, List<Middleware> appMiddleware) {
        try {
            var template = PathTemplate.parse(path);
            var plan = planner.planRoute(m, target, new HashSet<>(template.placeholders()), List.of());
            router.add("GET", template, withMiddleware(new Route("GET", template, m, plan, 200, null, null), appMiddleware));
        } catch (IllegalArgumentException e) {
            problems.add(what + ", " + path + ": " + e.getMessage());
        }
    }

    private record Declared(String method, String path, int status) {
    }

    private static List<Declared> routesOf(Method m) {
        var out = new ArrayList<Declared>();
        for (Annotation a : m.getAnnotations()) {
            switch (a) {
                case Get g -> out.add(new Declared("GET", g.value(), g.status()));
                case Post p -> out.add(new Declared("POST", p.value(), p.status()));
                case Put p -> out.add(new Declared("PUT", p.value(), p.status()));
                case Delete d -> out.add(new Declared("DELETE", d.value(), d.status()));
                case Patch p -> out.add(new Declared("PATCH", p.value(), p.status()));
                default -> {
                }
            }
        }
        return out;
    }

    /** The types the {@code @Dependency} methods of {@code holders} provide (their problems are reported by {@link #compile}). */
    public static java.util.Set<Class<?>> providedTypes(List<Object> holders) {
        var types = new HashSet<Class<?>>();
        providersOf(holders, new ArrayList<>()).forEach(p -> types.add(p.providedClass()));
        return types;
    }

    /** The {@code @Dependency} methods of {@code holders}, each once. */
    private static List<Provider> providersOf(List<Object> holders, List<String> problems) {
        var providers = new ArrayList<Provider>();
        var seen = new HashSet<Map.Entry<Method, Object>>();      // two schemes of one class are two providers
        for (var holder : holders) {
            for (var m : methodsOf(holder)) {
                if (m.isAnnotationPresent(Dependency.class) && seen.add(Map.entry(m, holder))) {
                    try {
                        providers.add(Provider.of(m, holder instanceof Class<?> ? null : holder));
                    } catch (IllegalArgumentException e) {
                        problems.add(e.getMessage());
                    }
                }
            }
        }
        return providers;
    }

    /**
     * The providers an override replaces: those of its name that return its type (for a provider used by name), else every
     * one that returns its type.
     */
    private static List<Provider> overridden(List<Provider> providers, Provider override) {
        var sameType = providers.stream().filter(p -> p.provides().equals(override.provides())).toList();
        var sameName = sameType.stream().filter(p -> p.name().equals(override.name())).toList();
        return sameName.isEmpty() ? sameType : sameName;
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        var out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /**
     * Declared methods of the holder's class and its superclasses, in a stable order. A superclass method
     * overridden by a subclass method that carries its own route or {@code @Dependency} annotation is left
     * out: the override replaces it rather than declaring a second route or provider. (An override without
     * annotations keeps the superclass declaration, which calls the override.)
     */
    private static List<Method> methodsOf(Object holder) {
        var type = holder instanceof Class<?> c ? c : holder.getClass();
        var out = new ArrayList<Method>();
        var redeclared = new HashSet<String>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            var declared = c.getDeclaredMethods();
            Arrays.sort(declared, Comparator.comparing(Method::getName).thenComparing(Method::toGenericString));
            var here = new ArrayList<String>();
            for (var m : declared) {
                if (m.isSynthetic() || m.isBridge()) {
                    continue;
                }
                var signature = m.getName() + Arrays.toString(m.getParameterTypes());
                if (redeclared.contains(signature) && !Modifier.isPrivate(m.getModifiers())) {
                    continue;
                }
                out.add(m);
                if (m.isAnnotationPresent(Dependency.class) || !routesOf(m).isEmpty()) {
                    here.add(signature);
                }
            }
            redeclared.addAll(here);
        }
        return out;
    }
}
