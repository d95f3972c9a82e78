package dev.coda.internal.inject;

import dev.coda.Body;
import dev.coda.Cookie;
import dev.coda.Default;
import dev.coda.Depends;
import dev.coda.File;
import dev.coda.Form;
import dev.coda.UploadFile;
import dev.coda.Header;
import dev.coda.Path;
import dev.coda.Query;
import dev.coda.internal.security.SecuritySchemeSource;
import dev.coda.security.Security;
import dev.coda.security.SecurityScopes;
import dev.coda.internal.Names;
import dev.coda.internal.binding.JsonReaders;
import dev.coda.internal.binding.Loc;
import dev.coda.internal.binding.Scalars;
import dev.coda.internal.binding.TypeShapes;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Turns path operations and dependencies into {@link CallPlan}s at startup, reporting every problem
 * (unresolvable parameters, ambiguous or cyclic dependencies, unknown annotations) with the method and
 * parameter it concerns, so that a misconfigured app never starts.
 *
 * <p>Past 400 lines because every parameter source, dependencies, cycles and security scopes share one route context
 * while a route is planned; the bindings themselves live in their own classes.
 */
public final class Planner {

    private static final Set<Class<?>> CODA_PARAMETER_ANNOTATIONS = Set.of(Path.class, Query.class, Header.class,
            Cookie.class, Body.class, Default.class, Depends.class, Form.class, File.class, Security.class);

    private final List<Provider> providers;
    private final Map<Class<?>, Function<RequestState, ?>> scopedTypes;
    private final JsonReaders json;
    private final Validation validation;
    private final List<String> problems = new ArrayList<>();

    public Planner(List<Provider> providers, Map<Class<?>, Function<RequestState, ?>> scopedTypes, JsonReaders json,
                   Validation validation) {
        this.providers = List.copyOf(providers);
        this.scopedTypes = Map.copyOf(scopedTypes);
        this.json = json;
        this.validation = validation;
    }

    /** Every problem found so far, one sentence each. */
    public List<String> problems() {
        return problems;
    }

    /** The per-route planning context: placeholders, dependency plans shared within the route, body parameters. */
    private final class RouteContext {
        final Set<String> placeholders;
        final Map<Object, CallPlan> plans = new HashMap<>();
        final Deque<Object> stack = new ArrayDeque<>();
        final List<BodyBinding> bodies = new ArrayList<>();
        /** The form fields and files read, by the first parameter that reads each (to tell a form from a JSON body). */
        final List<String> formReaders = new ArrayList<>();
        /** The OAuth2 scopes required along the chain being planned ({@code @Security}), outermost first. */
        List<String> scopes = List.of();
        /** The plans that read the scopes they are reached with (a scheme, a {@code SecurityScopes}, a {@code @Security}). */
        final Set<CallPlan> scoped = new java.util.HashSet<>();

        RouteContext(Set<String> placeholders) {
            this.placeholders = placeholders;
        }
    }

    /** Plans a path operation; returns {@code null} when it has problems (they are in {@link #problems()}). */
    public RoutePlan planRoute(Method method, Object target, Set<String> placeholders, List<Class<?>> requires) {
        int before = problems.size();
        var ctx = new RouteContext(placeholders);
        var requirements = new ArrayList<Binding>();
        for (var type : requires) {
            var binding = dependencyByType(type, type, "", true, ctx, () -> Describe.executable(method) + " requires " + type.getSimpleName());
            if (binding != null) {
                requirements.add(binding);
            }
        }
        var endpoint = plan(method, method, target, ctx, () -> Describe.executable(method));
        if (ctx.bodies.size() > 1) {
            ctx.bodies.forEach(BodyBinding::embed);
        }
        if (!ctx.formReaders.isEmpty() && !ctx.bodies.isEmpty()) {
            problems.add(Describe.executable(method) + ": reads a form (" + ctx.formReaders.getFirst() + ") and a JSON body ("
                    + ctx.bodies.getFirst() + "); a request has one body: make every body parameter a @Form or @File");
        }
        if (problems.size() > before) {
            return null;
        }
        return new RoutePlan(List.copyOf(requirements), endpoint, !ctx.bodies.isEmpty());
    }

    /** Plans a call; {@code where} names the use that asked for it, quoted when that use closes a cycle. */
    private CallPlan plan(Object key, Executable executable, Object target, RouteContext ctx,
                          java.util.function.Supplier<String> where) {
        // FastAPI caches a dependency that reads scopes per set of scopes, any other once
        var scopedKey = ctx.scopes.isEmpty() ? key : List.of(key, Set.copyOf(ctx.scopes));
        var existing = ctx.plans.get(scopedKey);
        if (existing == null && scopedKey != key) {
            existing = ctx.plans.get(key);
            existing = existing != null && ctx.scoped.contains(existing) ? null : existing;
        }
        if (existing != null) {
            return existing;
        }
        if (ctx.stack.contains(key)) {
            var cycle = new ArrayList<String>();
            boolean in = false;
            for (var it = ctx.stack.descendingIterator(); it.hasNext(); ) {
                var k = it.next();
                in |= k.equals(key);
                if (in) {
                    cycle.add(label(k));
                }
            }
            cycle.add(label(key));
            problems.add(where.get() + ": dependency cycle: " + String.join(" -> ", cycle));
            return null;
        }
        ctx.stack.push(key);
        try {
            var parameters = executable.getParameters();
            var bindings = new Binding[parameters.length];
            var locs = new Loc[parameters.length];
            var rank = new int[parameters.length];
            for (int i = 0; i < parameters.length; i++) {
                var planned = parameter(executable, parameters[i], ctx);
                if (planned != null) {
                    bindings[i] = planned.binding();
                    locs[i] = planned.loc();
                    rank[i] = planned.rank();
                }
            }
            var order = java.util.stream.IntStream.range(0, parameters.length).boxed()
                    .sorted(java.util.Comparator.comparingInt(i -> rank[i])).mapToInt(Integer::intValue).toArray();
            var invoker = invoker(executable, target);
            Validation.ParameterCheck check = null;
            try {
                check = validation.parameterCheck(executable, locs);
            } catch (IllegalArgumentException unsupported) {
                problems.add(unsupported.getMessage());
            }
            int dependencies = (int) java.util.Arrays.stream(rank).filter(r -> r == RANK_DEPENDENCY).count();
            boolean readsScopes = target instanceof SecuritySchemeSource
                    || java.util.Arrays.stream(parameters).anyMatch(p -> p.getType() == SecurityScopes.class
                            || p.isAnnotationPresent(Security.class) && p.getAnnotation(Security.class).scopes().length > 0)
                    || java.util.Arrays.stream(bindings).anyMatch(b -> b instanceof DependencyBinding d && ctx.scoped.contains(d.plan()));
            var planKey = readsScopes ? scopedKey : key;
            var plan = new CallPlan(planKey, executable, target, invoker, bindings, order, dependencies, check);
            if (readsScopes) {
                ctx.scoped.add(plan);
            }
            ctx.plans.put(planKey, plan);
            return plan;
        } finally {
            ctx.stack.pop();
        }
    }


    private static String label(Object key) {
        if (key instanceof Method m) {
            return m.getDeclaringClass().getSimpleName() + "." + m.getName();
        }
        if (key instanceof Class<?> c) {
            return c.getSimpleName();
        }
        if (key instanceof List<?> scoped) {
            return label(scoped.getFirst());
        }
        return String.valueOf(key);
    }

    private MethodHandle invoker(Executable executable, Object target) {
        try {
            executable.setAccessible(true);
            MethodHandle handle;
            if (executable instanceof Method m) {
                handle = MethodHandles.lookup().unreflect(m);
                if (!Modifier.isStatic(m.getModifiers())) {
                    handle = handle.bindTo(target);
                }
            } else {
                handle = MethodHandles.lookup().unreflectConstructor((Constructor<?>) executable);
            }
            return handle.asSpreader(Object[].class, executable.getParameterCount())
                    .asType(MethodType.methodType(Object.class, Object[].class));
        } catch (IllegalAccessException | RuntimeException e) {
            problems.add(Describe.executable(executable) + " cannot be called by Coda: " + e.getMessage()
                    + " (open its package to Coda, or make it public)");
            return null;
        }
    }

    /** A parameter's binding, its error location (for constraint reports) and its resolution rank. */
    private record Planned(Binding binding, Loc loc, int rank) {
    }

    private static final int RANK_DEPENDENCY = 0;
    private static final int RANK_PATH = 1;
    private static final int RANK_QUERY = 2;
    private static final int RANK_HEADER = 3;
    private static final int RANK_COOKIE = 4;
    private static final int RANK_BODY = 5;

    private Planned parameter(Executable owner, Parameter p, RouteContext ctx) {
        var where = Describe.parameter(owner, p);
        for (var a : p.getAnnotations()) {
            var t = a.annotationType();
            if (!CODA_PARAMETER_ANNOTATIONS.contains(t) && !Validation.isValidationAnnotation(a)
                    && !t.getSimpleName().equals("Nullable")) {
                problems.add(where + ": unknown annotation @" + t.getName()
                        + " (Coda knows @Path, @Query, @Header, @Cookie, @Body, @Form, @File, @Default, @Depends, @Security and Jakarta Validation constraints)");
                return null;
            }
        }
        if (!p.isNamePresent()) {
            problems.add(where + ": parameter names are missing; compile with javac -parameters");
            return null;
        }
        var type = p.getParameterizedType();
        var raw = p.getType();
        var name = p.getName();
        var def = p.getAnnotation(Default.class);
        var sourceAnnotations = java.util.stream.Stream.of(Path.class, Query.class, Header.class, Cookie.class, Body.class, Depends.class,
                        Form.class, File.class, Security.class)
                .filter(p::isAnnotationPresent).map(Class::getSimpleName).toList();
        if (sourceAnnotations.size() > 1) {
            problems.add(where + ": choose one of @" + String.join(", @", sourceAnnotations));
            return null;
        }
        if (p.isAnnotationPresent(Path.class)) {
            var placeholder = explicit(p.getAnnotation(Path.class).value(), name);
            if (!ctx.placeholders.contains(placeholder)) {
                problems.add(where + ": @Path names '{" + placeholder + "}', but the path has " + placeholders(ctx));
                return null;
            }
            return simple(ParamBinding.Source.PATH, placeholder, p, where, RANK_PATH);
        }
        if (p.isAnnotationPresent(Query.class)) {
            return simple(ParamBinding.Source.QUERY, explicit(p.getAnnotation(Query.class).value(), name), p, where, RANK_QUERY);
        }
        if (p.isAnnotationPresent(Header.class)) {
            var headerName = p.getAnnotation(Header.class).value();
            return simple(ParamBinding.Source.HEADER, headerName.isEmpty() ? Names.kebab(name) : headerName,
                    p, where, RANK_HEADER);
        }
        if (p.isAnnotationPresent(Cookie.class)) {
            return simple(ParamBinding.Source.COOKIE, explicit(p.getAnnotation(Cookie.class).value(), name), p, where, RANK_COOKIE);
        }
        if (p.isAnnotationPresent(Body.class)) {
            return body(p, where, ctx);
        }
        if (p.isAnnotationPresent(Form.class)) {
            var field = explicit(p.getAnnotation(Form.class).value(), name);
            ctx.formReaders.add("@Form " + field);
            if (!isSimpleShape(type) && raw.isRecord()) {
                return formModel(p, where);
            }
            return simple(ParamBinding.Source.FORM, field, p, where, RANK_BODY);
        }
        if (p.isAnnotationPresent(File.class) || isUploadShape(type)) {
            var field = p.isAnnotationPresent(File.class) ? explicit(p.getAnnotation(File.class).value(), name) : name;
            ctx.formReaders.add("file " + field);
            return file(field, p, where);
        }
        if (p.isAnnotationPresent(Depends.class)) {
            var depends = p.getAnnotation(Depends.class);
            var binding = dependencyByType(type, raw, depends.value(), depends.useCache(), ctx, () -> where);
            return binding == null ? null : new Planned(binding, Loc.of("body"), RANK_DEPENDENCY);
        }
        if (p.isAnnotationPresent(Security.class)) {
            var security = p.getAnnotation(Security.class);
            var outer = ctx.scopes;
            var scopes = new ArrayList<>(outer);
            for (var scope : security.scopes()) {
                if (!scopes.contains(scope)) {          // FastAPI's _get_oauth_scopes keeps each scope once
                    scopes.add(scope);
                }
            }
            ctx.scopes = List.copyOf(scopes);
            try {
                var binding = dependencyByType(type, raw, security.value(), security.useCache(), ctx, () -> where);
                return binding == null ? null : new Planned(binding, Loc.of("body"), RANK_DEPENDENCY);
            } finally {
                ctx.scopes = outer;
            }
        }
        if (raw == SecurityScopes.class) {
            var scopes = new SecurityScopes(ctx.scopes);
            return new Planned(state -> scopes, Loc.of("body"), RANK_DEPENDENCY);
        }
        if (def != null && !isSimpleShape(type)) {
            problems.add(where + ": @Default applies to query, header and cookie parameters of simple types");
            return null;
        }
        var scoped = scopedTypes.get(raw);
        if (scoped != null) {
            @SuppressWarnings({"unchecked", "rawtypes"})
            Binding binding = state -> state.scoped((Class) raw, (Function) scoped);
            return new Planned(binding, Loc.of("body"), RANK_DEPENDENCY);
        }
        var candidates = isSimpleShape(type) || isContainer(raw) ? List.<Provider>of() : providersOf(type, raw);
        if (!candidates.isEmpty()) {
            var binding = dependencyByType(type, raw, "", true, ctx, () -> where);
            return binding == null ? null : new Planned(binding, Loc.of("body"), RANK_DEPENDENCY);
        }
        var placeholder = ctx.placeholders.contains(name) ? name : ctx.placeholders.contains(Names.snake(name)) ? Names.snake(name) : null;
        if (placeholder != null) {
            return simple(ParamBinding.Source.PATH, placeholder, p, where, RANK_PATH);
        }
        if (isSimpleShape(type)) {
            return simple(ParamBinding.Source.QUERY, name, p, where, RANK_QUERY);
        }
        if (raw == byte[].class) {
            return new Planned(RequestState::body, Loc.of("body"), RANK_BODY);
        }
        if (raw.isInterface() && !java.util.Collection.class.isAssignableFrom(raw) && raw != Map.class && raw != Optional.class) {
            problems.add(where + ": nothing provides " + raw.getSimpleName()
                    + "; add a @Dependency method returning it, or register one with Coda.Builder.dependencies(...)");
            return null;
        }
        return body(p, where, ctx);
    }

    private static String explicit(String value, String name) {
        return value.isEmpty() ? name : value;
    }

    private static String placeholders(RouteContext ctx) {
        return ctx.placeholders.isEmpty() ? "no placeholders"
                : ctx.placeholders.stream().map(s -> "{" + s + "}").collect(Collectors.joining(", "));
    }

    /**
     * Whether values of this type are too common to be injected by type alone: a provider of a
     * {@code String}, an {@code Optional}, a {@code List} or a {@code Map} is only used where a parameter
     * names it with {@code @Depends("method")}, never for every such parameter of the app.
     */
    private static boolean isContainer(Class<?> raw) {
        return raw == Optional.class || raw == Map.class || java.util.Collection.class.isAssignableFrom(raw)
                || raw == Object.class;
    }

    private static boolean isSimpleShape(Type type) {
        var raw = TypeShapes.raw(type);
        if (raw == Optional.class || TypeShapes.isCollection(type)) {
            return Scalars.isSimple(TypeShapes.raw(TypeShapes.argument(type, 0)));
        }
        return Scalars.isSimple(raw);
    }

    private Planned simple(ParamBinding.Source source, String name, Parameter p, String where, int rank) {
        var type = p.getParameterizedType();
        if (!isSimpleShape(type)) {
            problems.add(where + ": a " + source.loc + " parameter must be a string, number, boolean, UUID, enum or date,"
                    + " or an Optional or List of one");
            return null;
        }
        var raw = TypeShapes.raw(type);
        ParamBinding.Shape shape;
        Class<?> element;
        if (raw == Optional.class) {
            shape = ParamBinding.Shape.OPTIONAL;
            element = TypeShapes.raw(TypeShapes.argument(type, 0));
        } else if (TypeShapes.isCollection(type)) {
            if (source == ParamBinding.Source.PATH) {
                problems.add(where + ": a path parameter holds one value; it cannot be a List");
                return null;
            }
            shape = ParamBinding.Shape.LIST;
            element = TypeShapes.raw(TypeShapes.argument(type, 0));
        } else {
            shape = ParamBinding.Shape.SINGLE;
            element = raw;
        }
        var def = p.getAnnotation(Default.class);
        if (def != null && source == ParamBinding.Source.PATH) {
            problems.add(where + ": a path parameter is always present; it cannot have a @Default");
            return null;
        }
        if (def != null && shape != ParamBinding.Shape.LIST) {
            var probe = new dev.coda.internal.binding.Errors();
            if (Scalars.fromText(def.value(), element, Loc.of(source.loc, name), probe) == dev.coda.internal.binding.Errors.FAILED) {
                problems.add(where + ": @Default(\"" + def.value() + "\") is not a valid " + element.getSimpleName()
                        + ": " + probe.list().getFirst().msg());
                return null;
            }
        }
        boolean nullable = TypeShapes.isNullable(p) && !raw.isPrimitive();
        var binding = new ParamBinding(source, name, shape, element, def == null ? null : def.value(), nullable, p);
        return new Planned(binding, Loc.of(source.loc, name), rank);
    }

    /** {@code UploadFile}, or an {@code Optional} or {@code List} of it: a file without {@code @File}, as in FastAPI. */
    private static boolean isUploadShape(Type type) {
        var raw = TypeShapes.raw(type);
        if (raw == Optional.class || TypeShapes.isCollection(type)) {
            return TypeShapes.raw(TypeShapes.argument(type, 0)) == UploadFile.class;
        }
        return raw == UploadFile.class;
    }

    private Planned file(String field, Parameter p, String where) {
        var type = p.getParameterizedType();
        var raw = TypeShapes.raw(type);
        var shape = raw == Optional.class ? FileBinding.Shape.OPTIONAL
                : TypeShapes.isCollection(type) ? FileBinding.Shape.LIST : FileBinding.Shape.SINGLE;
        var element = shape == FileBinding.Shape.SINGLE ? raw : TypeShapes.raw(TypeShapes.argument(type, 0));
        if (element != UploadFile.class && element != byte[].class) {
            problems.add(where + ": a @File parameter is an UploadFile or a byte[], or an Optional or List of one");
            return null;
        }
        var binding = new FileBinding(field, shape, element == byte[].class, TypeShapes.isNullable(p), p);
        return new Planned(binding, Loc.of("body", field), RANK_BODY);
    }

    private Planned formModel(Parameter p, String where) {
        var binding = FormModelBinding.of(p.getType(), validation, problems, where);
        return binding == null ? null : new Planned(binding, Loc.of("body"), RANK_BODY);
    }

    private Planned body(Parameter p, String where, RouteContext ctx) {
        var type = p.getParameterizedType();
        var raw = p.getType();
        if (p.isAnnotationPresent(Body.class) && (raw == String.class || raw == byte[].class)) {
            Binding binding = raw == byte[].class ? RequestState::body
                    : state -> new String(state.body(), StandardCharsets.UTF_8);
            return new Planned(binding, Loc.of("body"), RANK_BODY);
        }
        JsonReaders.Reader reader;
        try {
            reader = json.forType(type);
        } catch (IllegalArgumentException e) {
            problems.add(where + ": " + e.getMessage());
            return null;
        }
        validation.prepare(raw == Optional.class ? TypeShapes.raw(TypeShapes.argument(type, 0)) : raw);
        boolean required = raw != Optional.class && !TypeShapes.isNullable(p);
        var binding = new BodyBinding(p.getName(), reader, required, validation, p);
        ctx.bodies.add(binding);
        return new Planned(binding, Loc.of("body", p.getName()), RANK_BODY);
    }

    /**
     * The providers of a parameter type: same class, and same type arguments when both are generic
     * (a {@code List<String>} provider does not feed a {@code List<Integer>} query parameter).
     */
    private List<Provider> providersOf(Type type, Class<?> raw) {
        return providers.stream().filter(pr -> pr.providedClass() == raw
                && (pr.provides() instanceof Class<?> || type instanceof Class<?> || pr.provides().equals(type))).toList();
    }

    private DependencyBinding dependencyByType(Type type, Class<?> raw, String name, boolean useCache, RouteContext ctx,
                                               java.util.function.Supplier<String> where) {
        List<Provider> candidates;
        if (!name.isEmpty()) {
            candidates = providers.stream().filter(pr -> pr.name().equals(name)).toList();
            if (candidates.isEmpty()) {
                problems.add(where.get() + ": no @Dependency method is named '" + name + "'");
                return null;
            }
            candidates = candidates.stream().filter(pr -> raw.isAssignableFrom(pr.providedClass())).toList();
            if (candidates.isEmpty()) {
                problems.add(where.get() + ": @Dependency '" + name + "' does not return " + raw.getSimpleName());
                return null;
            }
        } else {
            candidates = providersOf(type, raw);
        }
        if (candidates.size() > 1) {
            problems.add(where.get() + ": " + candidates.size() + " @Dependency methods return " + TypeShapes.name(type) + " ("
                    + candidates.stream().map(pr -> Describe.executable(pr.method())).collect(Collectors.joining(", "))
                    + "); choose one with @Depends(\"methodName\")");
            return null;
        }
        if (candidates.size() == 1) {
            var provider = candidates.getFirst();
            var plan = plan(provider.method(), provider.method(), provider.target(), ctx, where);
            if (plan != null && provider.target() instanceof SecuritySchemeSource scheme) {
                return new DependencyBinding(plan, useCache, scheme, ctx.scopes);
            }
            return plan == null ? null : new DependencyBinding(plan, useCache);
        }
        var constructor = constructorOf(raw, where);
        if (constructor == null) {
            return null;
        }
        var plan = plan(raw, constructor, null, ctx, where);
        return plan == null ? null : new DependencyBinding(plan, useCache);
    }

    private Constructor<?> constructorOf(Class<?> raw, java.util.function.Supplier<String> where) {
        if (raw.isInterface() || Modifier.isAbstract(raw.getModifiers()) || raw.isPrimitive() || raw.isArray()
                || raw.getName().startsWith("java.")) {
            problems.add(where.get() + ": no @Dependency method returns " + raw.getSimpleName()
                    + ", and it is not a class Coda can construct");
            return null;
        }
        if (raw.isRecord()) {
            var components = java.util.Arrays.stream(raw.getRecordComponents())
                    .map(java.lang.reflect.RecordComponent::getType).toArray(Class<?>[]::new);
            try {
                return raw.getDeclaredConstructor(components);
            } catch (NoSuchMethodException impossible) {
                throw new IllegalStateException("a record without its canonical constructor: " + raw, impossible);
            }
        }
        var publicOnes = java.util.Arrays.stream(raw.getDeclaredConstructors())
                .filter(c -> Modifier.isPublic(c.getModifiers()))
                .toList();
        if (publicOnes.size() != 1) {
            problems.add(where.get() + ": to construct " + raw.getSimpleName() + " as a dependency it needs exactly one public"
                    + " constructor (it has " + publicOnes.size() + ")");
            return null;
        }
        return publicOnes.getFirst();
    }
}
