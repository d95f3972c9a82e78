package dev.coda.internal.inject;

import dev.coda.internal.binding.TypeShapes;
import java.lang.reflect.Executable;
import java.lang.reflect.Parameter;
import java.util.Arrays;
import java.util.stream.Collectors;

/** Names methods and parameters the way startup errors quote them. */
public final class Describe {
    private Describe() {
    }

    public static String executable(Executable e) {
        var owner = e.getDeclaringClass().getSimpleName();
        var name = e instanceof java.lang.reflect.Constructor<?> ? "new " + owner : owner + "." + e.getName();
        return name + Arrays.stream(e.getGenericParameterTypes()).map(TypeShapes::name)
                .collect(Collectors.joining(", ", "(", ")"));
    }

    public static String parameter(Executable e, Parameter p) {
        return executable(e) + " parameter '" + p.getName() + "' (" + TypeShapes.name(p.getParameterizedType()) + ")";
    }
}
