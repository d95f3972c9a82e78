package dev.coda.internal.inject;

import dev.coda.internal.Once;
import dev.coda.internal.binding.Errors;
import dev.coda.internal.binding.JsonReaders;
import dev.coda.internal.binding.Loc;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ElementKind;
import jakarta.validation.Validator;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Negative;
import jakarta.validation.constraints.NegativeOrZero;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import dev.coda.internal.binding.TypeShapes;
import java.lang.annotation.Annotation;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Jakarta Validation (Hibernate Validator) for bodies and parameters, reported as pydantic-shaped
 * errors. The validator is only bootstrapped when some type or parameter carries constraints.
 */
public final class Validation {

    /** Checks constrained parameters of one method. */
    @FunctionalInterface
    interface ParameterCheck {
        /**
         * Checks the arguments; those whose {@code skip} entry is true did not bind (their errors are already
         * recorded) and are neither checked nor reported.
         */
        boolean check(Object target, Object[] args, boolean[] skip, Errors errors);
    }

    private final Once<Validator> validator = new Once<>(() -> jakarta.validation.Validation.byDefaultProvider().configure()
            .messageInterpolator(new org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator())
            .buildValidatorFactory().getValidator());
    private final Map<Class<?>, Boolean> constrained = new ConcurrentHashMap<>();

    private Validator validator() {
        return validator.get();
    }

    /** Whether an annotation is a constraint or {@code @Valid}. */
    static boolean isValidationAnnotation(Annotation a) {
        var type = a.annotationType();
        return type.isAnnotationPresent(Constraint.class) || type.getPackageName().startsWith("jakarta.validation")
                || type.getPackageName().startsWith("org.hibernate.validator.constraints");
    }

    /**
     * Validates a bound body value; records errors under {@code loc}. The elements of a list, set or map
     * body and the value of an {@code Optional} body are validated too, each at its own location, as
     * pydantic validates every item. Violations are reported in the order of the record components
     * (Hibernate Validator returns them as an unordered set).
     */
    boolean validateBean(Object value, Loc loc, Errors errors) {
        if (value == null) {
            return true;
        }
        if (value instanceof Optional<?> optional) {
            return optional.isEmpty() || validateBean(optional.get(), loc, errors);
        }
        if (value instanceof Collection<?> collection) {
            boolean valid = true;
            int index = 0;
            for (var element : collection) {
                valid &= validateBean(element, loc.with(index++), errors);
            }
            return valid;
        }
        if (value instanceof Map<?, ?> map) {
            boolean valid = true;
            for (var entry : map.entrySet()) {
                valid &= validateBean(entry.getValue(), loc.with(String.valueOf(entry.getKey())), errors);
            }
            return valid;
        }
        if (!isConstrained(value.getClass())) {
            return true;
        }
        var violations = validator().validate(value);
        var located = new ArrayList<Located>(violations.size());
        for (var v : violations) {
            located.add(locate(v, v.getPropertyPath(), value.getClass(), loc, List.of()));
        }
        reportInOrder(located, errors);
        return violations.isEmpty();
    }

    /** A violation, where it is reported, and the key that sorts it in declaration order. */
    private record Located(ConstraintViolation<?> violation, Loc loc, List<Integer> order) {
    }

    private static final Comparator<Located> DECLARATION_ORDER = (a, b) -> {
        for (int i = 0; i < Math.min(a.order().size(), b.order().size()); i++) {
            int c = Integer.compare(a.order().get(i), b.order().get(i));
            if (c != 0) {
                return c;
            }
        }
        int c = Integer.compare(a.order().size(), b.order().size());
        if (c != 0) {
            return c;
        }
        return annotationName(a.violation()).compareTo(annotationName(b.violation()));
    };

    private static String annotationName(ConstraintViolation<?> v) {
        return v.getConstraintDescriptor().getAnnotation().annotationType().getName();
    }

    private static void reportInOrder(List<Located> located, Errors errors) {
        located.sort(DECLARATION_ORDER);
        for (var l : located) {
            report(l.violation(), l.loc(), errors);
        }
    }

    /**
     * Follows a violation's property path from {@code type}, naming each field by its JSON name (the
     * {@code @JsonProperty} of the record component it crosses, not only of the leaf).
     */
    private static Located locate(ConstraintViolation<?> v, Iterable<jakarta.validation.Path.Node> nodes, Type type, Loc loc,
                                  List<Integer> prefix) {
        var order = new ArrayList<>(prefix);
        var at = loc;
        Type current = type;
        for (var node : nodes) {
            if (node.getKind() == ElementKind.BEAN && node.getIndex() == null && node.getKey() == null) {
                continue;
            }
            if (node.getIndex() != null) {
                at = at.with(node.getIndex());
                order.add(node.getIndex());
            } else if (node.getKey() != null) {
                at = at.with(String.valueOf(node.getKey()));
                order.add(0);
            }
            if (node.getKind() == ElementKind.PROPERTY && node.getName() != null) {
                var owner = TypeShapes.raw(elementType(current));
                int index = -1;
                String name = node.getName();
                Type next = Object.class;
                if (owner.isRecord()) {
                    var components = owner.getRecordComponents();
                    for (int i = 0; i < components.length; i++) {
                        if (components[i].getName().equals(node.getName())) {
                            index = i;
                            name = JsonReaders.jsonName(components[i]);
                            next = components[i].getGenericType();
                        }
                    }
                } else {
                    var fields = owner.getDeclaredFields();
                    for (int i = 0; i < fields.length; i++) {
                        if (fields[i].getName().equals(node.getName())) {
                            index = i;
                            next = fields[i].getGenericType();
                        }
                    }
                }
                at = at.with(name);
                order.add(index < 0 ? Integer.MAX_VALUE : index);
                current = next;
            }
        }
        return new Located(v, at, order);
    }

    /** The type inside containers: a list's or an optional's element, a map's value. */
    private static Type elementType(Type type) {
        var t = type;
        for (int depth = 0; depth < 8; depth++) {
            var raw = TypeShapes.raw(t);
            if (raw == Optional.class || TypeShapes.isCollection(t)) {
                t = TypeShapes.argument(t, 0);
            } else if (raw == Map.class) {
                t = TypeShapes.argument(t, 1);
            } else {
                return t;
            }
        }
        return t;
    }

    /** Inspects a body type at startup, so that the first request does not pay for it. */
    /**
     * The constraints on a bean's properties by Java property name, composed constraints included (their own and
     * their parts'), read through the Bean Validation metadata API: what the OpenAPI document turns into keywords.
     */
    public Map<String, List<Annotation>> propertyConstraints(Class<?> type) {
        if (!isConstrained(type)) {
            return Map.of();
        }
        var out = new java.util.HashMap<String, List<Annotation>>();
        for (var property : validator().getConstraintsForClass(type).getConstrainedProperties()) {
            var list = new ArrayList<Annotation>();
            property.getConstraintDescriptors().forEach(d -> flatten(d, list));
            out.put(property.getPropertyName(), byName(list));
        }
        return out;
    }

    /**
     * The constraints on one parameter of a method or constructor, as {@link #propertyConstraints}. A static method's,
     * which Hibernate Validator does not read, are its annotations (only the standard ones are allowed there).
     */
    public List<Annotation> parameterConstraints(Parameter parameter) {
        if (!hasConstraintAnnotations(parameter)) {
            return List.of();
        }
        var executable = parameter.getDeclaringExecutable();
        if (executable instanceof Method m && Modifier.isStatic(m.getModifiers())) {
            return java.util.Arrays.stream(parameter.getAnnotations()).filter(Validation::isValidationAnnotation).toList();
        }
        int index = java.util.Arrays.asList(executable.getParameters()).indexOf(parameter);
        var bean = validator().getConstraintsForClass(executable.getDeclaringClass());
        var descriptor = executable instanceof Method m ? bean.getConstraintsForMethod(m.getName(), m.getParameterTypes())
                : bean.getConstraintsForConstructor(executable.getParameterTypes());
        if (descriptor == null) {
            return List.of();
        }
        var list = new ArrayList<Annotation>();
        descriptor.getParameterDescriptors().get(index).getConstraintDescriptors().forEach(d -> flatten(d, list));
        return byName(list);
    }

    /** In a stable order (the metadata API returns sets): the document's keywords must not move between runs. */
    private static List<Annotation> byName(List<Annotation> list) {
        list.sort(Comparator.comparing((Annotation a) -> a.annotationType().getName()).thenComparing(Annotation::toString));
        return list;
    }

    private static void flatten(jakarta.validation.metadata.ConstraintDescriptor<?> descriptor, List<Annotation> out) {
        out.add(descriptor.getAnnotation());
        descriptor.getComposingConstraints().forEach(d -> flatten(d, out));
    }

    void prepare(Class<?> type) {
        isConstrained(type);
    }

    private boolean isConstrained(Class<?> type) {
        if (type.getName().startsWith("java.") || type.isEnum() || type.isPrimitive() || type.isArray()
                || type.isInterface()) {
            return false;
        }
        return constrained.computeIfAbsent(type, t -> validator().getConstraintsForClass(t).isBeanConstrained());
    }

    /**
     * A check for the constrained parameters of {@code executable}, or {@code null} when none is. Its
     * violations are reported in FastAPI's order: by source (path, query, header, cookie, body), then
     * parameter. Constructors (class dependencies) are validated as well as methods; static methods,
     * which Hibernate Validator ignores, are checked here for the standard constraints.
     */
    ParameterCheck parameterCheck(Executable executable, Loc[] locs) {
        boolean any = false;
        for (Parameter p : executable.getParameters()) {
            for (var a : p.getAnnotations()) {
                any |= isValidationAnnotation(a);
            }
        }
        if (!any) {
            return null;
        }
        if (executable instanceof Method method && Modifier.isStatic(method.getModifiers())) {
            return StaticParameters.check(method, locs);
        }
        var types = executable.getGenericParameterTypes();
        return (target, args, skip, errors) -> {
            Set<? extends ConstraintViolation<?>> violations = executable instanceof Method method
                    ? validator().forExecutables().validateParameters(target, method, args)
                    : validator().forExecutables().validateConstructorParameters((Constructor<?>) executable, args);
            var located = new ArrayList<Located>(violations.size());
            for (var v : violations) {
                int index = parameterIndex(v);
                if (skip == null || index < 0 || !skip[index]) {
                    located.add(locateParameter(v, locs, types));
                }
            }
            reportInOrder(located, errors);
            return located.isEmpty();
        };
    }

    private static int parameterIndex(ConstraintViolation<?> v) {
        for (var node : v.getPropertyPath()) {
            if (node.getKind() == ElementKind.PARAMETER) {
                return node.as(jakarta.validation.Path.ParameterNode.class).getParameterIndex();
            }
        }
        return -1;
    }

    private static Located locateParameter(ConstraintViolation<?> v, Loc[] locs, Type[] types) {
        var nodes = new ArrayList<jakarta.validation.Path.Node>();
        v.getPropertyPath().forEach(nodes::add);
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).getKind() == ElementKind.PARAMETER) {
                int index = nodes.get(i).as(jakarta.validation.Path.ParameterNode.class).getParameterIndex();
                var loc = locs[index] == null ? Loc.of("body") : locs[index];
                return locate(v, nodes.subList(i + 1, nodes.size()), types[index], loc, List.of(sourceRank(loc), index));
            }
        }
        return new Located(v, Loc.of("body"), List.of(Integer.MAX_VALUE));
    }

    /** FastAPI reports path, then query, header, cookie and body errors. */
    static int sourceRank(Loc loc) {
        return Errors.sourceRank(loc.toList());
    }

    private static void report(ConstraintViolation<?> v, Loc loc, Errors errors) {
        report(v.getConstraintDescriptor().getAnnotation(), v.getInvalidValue(), v.getMessage(), loc, errors);
    }

    /** Records one violated constraint as pydantic would name it. */
    static void report(Annotation a, Object input, String message, Loc loc, Errors errors) {
        var jsonInput = input == null || input instanceof Number || input instanceof Boolean || input instanceof String
                || input instanceof Collection<?> || input instanceof Map<?, ?> ? input : String.valueOf(input);
        switch (a) {
            case Min m -> errors.add("greater_than_equal", loc, "Input should be greater than or equal to " + m.value(), jsonInput,
                    Map.of("ge", m.value()));
            case DecimalMin m -> errors.add(m.inclusive() ? "greater_than_equal" : "greater_than", loc,
                    "Input should be greater than " + (m.inclusive() ? "or equal to " : "") + m.value(), jsonInput,
                    Map.of(m.inclusive() ? "ge" : "gt", m.value()));
            case Max m -> errors.add("less_than_equal", loc, "Input should be less than or equal to " + m.value(), jsonInput,
                    Map.of("le", m.value()));
            case DecimalMax m -> errors.add(m.inclusive() ? "less_than_equal" : "less_than", loc,
                    "Input should be less than " + (m.inclusive() ? "or equal to " : "") + m.value(), jsonInput,
                    Map.of(m.inclusive() ? "le" : "lt", m.value()));
            case Positive p -> errors.add("greater_than", loc, "Input should be greater than 0", jsonInput, Map.of("gt", 0));
            case PositiveOrZero p -> errors.add("greater_than_equal", loc, "Input should be greater than or equal to 0", jsonInput,
                    Map.of("ge", 0));
            case Negative n -> errors.add("less_than", loc, "Input should be less than 0", jsonInput, Map.of("lt", 0));
            case NegativeOrZero n -> errors.add("less_than_equal", loc, "Input should be less than or equal to 0", jsonInput,
                    Map.of("le", 0));
            case NotBlank n -> errors.add("string_too_short", loc, "String should have at least 1 character", jsonInput,
                    Map.of("min_length", 1));
            case NotEmpty n when input instanceof CharSequence -> errors.add("string_too_short", loc,
                    "String should have at least 1 character", jsonInput, Map.of("min_length", 1));
            case Pattern p -> errors.add("string_pattern_mismatch", loc, "String should match pattern '" + p.regexp() + "'",
                    jsonInput, Map.of("pattern", p.regexp()));
            case Size s when input instanceof CharSequence cs -> {
                if (cs.length() < s.min()) {
                    errors.add("string_too_short", loc, "String should have at least " + s.min() + " character"
                            + (s.min() == 1 ? "" : "s"), jsonInput, Map.of("min_length", s.min()));
                } else {
                    errors.add("string_too_long", loc, "String should have at most " + s.max() + " character"
                            + (s.max() == 1 ? "" : "s"), jsonInput, Map.of("max_length", s.max()));
                }
            }
            case Size s -> {
                int size = input instanceof Collection<?> c ? c.size() : input instanceof Map<?, ?> m ? m.size() : -1;
                if (size < s.min()) {
                    errors.add("too_short", loc, "List should have at least " + s.min() + " item" + (s.min() == 1 ? "" : "s")
                            + " after validation, not " + size, jsonInput, Map.of("min_length", s.min(), "actual_length", size));
                } else {
                    errors.add("too_long", loc, "List should have at most " + s.max() + " item" + (s.max() == 1 ? "" : "s")
                            + " after validation, not " + size, jsonInput, Map.of("max_length", s.max(), "actual_length", size));
                }
            }
            default -> errors.add("value_error", loc, "Value error, " + message, jsonInput, Map.of("error", message));
        }
    }

    static boolean hasConstraintAnnotations(Parameter p) {
        for (var a : p.getAnnotations()) {
            if (isValidationAnnotation(a)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Hibernate Validator does not validate static methods (their constraints are not even read), so a
     * static path operation or {@code @Dependency} would be answered 500 or, worse, unchecked. Their
     * parameters are simple values (path, query, header, cookie), so the standard constraints are
     * evaluated here; any other constraint on a static method is refused at startup.
     */
    private static final class StaticParameters {

        private static final Set<Class<? extends Annotation>> SUPPORTED = Set.of(Min.class, Max.class, DecimalMin.class,
                DecimalMax.class, Positive.class, PositiveOrZero.class, Negative.class, NegativeOrZero.class, NotBlank.class,
                NotEmpty.class, Size.class, Pattern.class, NotNull.class);

        static ParameterCheck check(Method method, Loc[] locs) {
            var parameters = method.getParameters();
            var constraints = new ArrayList<List<Annotation>>(parameters.length);
            for (var p : parameters) {
                var own = new ArrayList<Annotation>();
                for (var a : p.getAnnotations()) {
                    if (!isValidationAnnotation(a) || a.annotationType() == jakarta.validation.Valid.class) {
                        continue;
                    }
                    if (!SUPPORTED.contains(a.annotationType())) {
                        throw new IllegalArgumentException(Describe.parameter(method, p) + ": @" + a.annotationType().getSimpleName()
                                + " cannot be checked on a static method (Hibernate Validator ignores them); make it an instance method");
                    }
                    own.add(a);
                }
                constraints.add(own);
            }
            var order = java.util.stream.IntStream.range(0, parameters.length).boxed()
                    .sorted(Comparator.comparingInt((Integer i) -> locs[i] == null ? 0 : sourceRank(locs[i])).thenComparingInt(i -> i))
                    .mapToInt(Integer::intValue).toArray();
            return (target, args, skip, errors) -> {
                boolean valid = true;
                for (int i : order) {
                    if (skip != null && skip[i]) {
                        continue;
                    }
                    var value = args[i] instanceof Optional<?> o ? o.orElse(null) : args[i];
                    for (var a : constraints.get(i)) {
                        if (!satisfies(a, value)) {
                            report(a, value, "invalid value", locs[i] == null ? Loc.of("body") : locs[i], errors);
                            valid = false;
                            break;
                        }
                    }
                }
                return valid;
            };
        }

        private static boolean satisfies(Annotation a, Object value) {
            if (a instanceof NotNull) {
                return value != null;
            }
            if (a instanceof NotBlank) {
                return value instanceof CharSequence cs && !cs.toString().isBlank();
            }
            if (a instanceof NotEmpty) {
                return size(value) > 0;
            }
            if (value == null) {
                return true;
            }
            if (value instanceof Double d && d.isNaN() || value instanceof Float f && f.isNaN()) {
                return a instanceof Size || a instanceof Pattern;
            }
            try {
                return switch (a) {
                    case Size s -> size(value) >= s.min() && size(value) <= s.max();
                    case Pattern p -> java.util.regex.Pattern.compile(p.regexp()).matcher(value.toString()).matches();
                    case Min m -> compare(value, BigDecimal.valueOf(m.value())) >= 0;
                    case Max m -> compare(value, BigDecimal.valueOf(m.value())) <= 0;
                    case DecimalMin m -> m.inclusive() ? compare(value, new BigDecimal(m.value())) >= 0
                            : compare(value, new BigDecimal(m.value())) > 0;
                    case DecimalMax m -> m.inclusive() ? compare(value, new BigDecimal(m.value())) <= 0
                            : compare(value, new BigDecimal(m.value())) < 0;
                    case Positive p -> compare(value, BigDecimal.ZERO) > 0;
                    case PositiveOrZero p -> compare(value, BigDecimal.ZERO) >= 0;
                    case Negative n -> compare(value, BigDecimal.ZERO) < 0;
                    case NegativeOrZero n -> compare(value, BigDecimal.ZERO) <= 0;
                    default -> true;
                };
            } catch (NumberFormatException notANumber) {
                return false;
            }
        }

        private static int size(Object value) {
            return switch (value) {
                case null -> 0;
                case CharSequence cs -> cs.length();
                case Collection<?> c -> c.size();
                case Map<?, ?> m -> m.size();
                default -> 1;
            };
        }

        /** Compares a number, or text holding one as Hibernate Validator allows, with a bound. */
        private static int compare(Object value, BigDecimal bound) {
            if (value instanceof Double || value instanceof Float) {
                double d = ((Number) value).doubleValue();
                return Double.isInfinite(d) ? (d > 0 ? 1 : -1) : BigDecimal.valueOf(d).compareTo(bound);
            }
            var number = value instanceof BigDecimal d ? d : new BigDecimal(value.toString());
            return number.compareTo(bound);
        }
    }
}
