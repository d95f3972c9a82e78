package dev.coda.internal.inject;

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
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.lang.annotation.Annotation;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Jakarta Validation (Hibernate Validator) for bodies and parameters, reported as pydantic-shaped
 * errors. The validator is only bootstrapped when some type or parameter carries constraints.
 */
public final class Validation {

    /** Checks constrained parameters of one method. */
    @FunctionalInterface
    interface ParameterCheck {
        boolean check(Object target, Object[] args, Errors errors);
    }

    private volatile Validator validator;
    private final Map<Class<?>, Boolean> constrained = new ConcurrentHashMap<>();

    private Validator validator() {
        var v = validator;
        if (v == null) {
            synchronized (this) {
                v = validator;
                if (v == null) {
                    v = jakarta.validation.Validation.byDefaultProvider().configure()
                            .messageInterpolator(new org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator())
                            .buildValidatorFactory().getValidator();
                    validator = v;
                }
            }
        }
        return v;
    }

    /** Whether an annotation is a constraint or {@code @Valid}. */
    static boolean isValidationAnnotation(Annotation a) {
        var type = a.annotationType();
        return type.isAnnotationPresent(Constraint.class) || type.getPackageName().startsWith("jakarta.validation")
                || type.getPackageName().startsWith("org.hibernate.validator.constraints");
    }

    /** Validates a bound body value; records errors under {@code loc}. */
    boolean validateBean(Object value, Loc loc, Errors errors) {
        if (value == null || !isConstrained(value.getClass())) {
            return true;
        }
        var violations = validator().validate(value);
        for (var v : violations) {
            var at = loc;
            for (var node : v.getPropertyPath()) {
                if (node.getIndex() != null) {
                    at = at.with(node.getIndex());
                } else if (node.getKey() != null) {
                    at = at.with(node.getKey().toString());
                }
                if (node.getName() != null && node.getKind() == ElementKind.PROPERTY) {
                    at = at.with(jsonName(v, node.getName()));
                }
            }
            report(v, at, errors);
        }
        return violations.isEmpty();
    }

    private static String jsonName(ConstraintViolation<?> v, String javaName) {
        var leaf = v.getLeafBean();
        if (leaf != null && leaf.getClass().isRecord()) {
            for (var c : leaf.getClass().getRecordComponents()) {
                if (c.getName().equals(javaName)) {
                    return JsonReaders.jsonName(c);
                }
            }
        }
        return javaName;
    }

    /** Inspects a body type at startup, so that the first request does not pay for it. */
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

    /** A check for the constrained parameters of {@code executable}, or {@code null} when none is. */
    ParameterCheck parameterCheck(Executable executable, Loc[] locs) {
        boolean any = false;
        for (Parameter p : executable.getParameters()) {
            for (var a : p.getAnnotations()) {
                any |= isValidationAnnotation(a);
            }
        }
        if (!any || !(executable instanceof Method method)) {
            return null;
        }
        return (target, args, errors) -> {
            var violations = validator().forExecutables().validateParameters(target, method, args);
            for (var v : violations) {
                Loc at = null;
                for (var node : v.getPropertyPath()) {
                    if (node.getKind() == ElementKind.PARAMETER) {
                        at = locs[node.as(jakarta.validation.Path.ParameterNode.class).getParameterIndex()];
                    } else if (at != null && node.getName() != null && node.getKind() == ElementKind.PROPERTY) {
                        at = at.with(node.getName());
                    }
                }
                report(v, at == null ? Loc.of("body") : at, errors);
            }
            return violations.isEmpty();
        };
    }

    private static void report(ConstraintViolation<?> v, Loc loc, Errors errors) {
        var a = v.getConstraintDescriptor().getAnnotation();
        var input = v.getInvalidValue();
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
            default -> errors.add("value_error", loc, "Value error, " + v.getMessage(), jsonInput, Map.of("error", v.getMessage()));
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

}
