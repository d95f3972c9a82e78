package dev.coda.internal.inject;

import dev.coda.Managed;
import dev.coda.internal.binding.TypeShapes;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;

/**
 * A {@code @Dependency} method and the object it is called on ({@code null} for static methods).
 *
 * @param provides the type it injects: its return type, unwrapped from {@code Managed<T>}
 */
public record Provider(Method method, Object target, Type provides) {

    /** A provider for a {@code @Dependency} method, checking that it can be one. */
    public static Provider of(Method method, Object target) {
        if (method.getReturnType() == void.class) {
            throw new IllegalArgumentException(Describe.executable(method) + " is a @Dependency but returns nothing;"
                    + " return the value it provides (use @Requires for a dependency run only for its effect and return a marker)");
        }
        if (target == null && !Modifier.isStatic(method.getModifiers())) {
            throw new IllegalArgumentException(Describe.executable(method)
                    + " is an instance @Dependency method, but only its class was registered; register an instance");
        }
        var provides = method.getGenericReturnType();
        if (TypeShapes.raw(provides) == Managed.class) {
            provides = TypeShapes.argument(provides, 0);
        }
        return new Provider(method, target, provides);
    }

    public Class<?> providedClass() {
        return TypeShapes.raw(provides);
    }

    /** The name {@code @Depends} chooses it by: the method's, or a security scheme's own name when it was given one. */
    public String name() {
        if (target instanceof dev.coda.internal.security.SecuritySchemeSource scheme && scheme.dependencyName() != null) {
            return scheme.dependencyName();
        }
        return method.getName();
    }
}
