package dev.coda.internal.binding;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/** Small questions about generic types. */
public final class TypeShapes {
    private TypeShapes() {
    }

    public static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        if (type instanceof WildcardType w) {
            return raw(w.getUpperBounds()[0]);
        }
        return Object.class;
    }

    /** The first type argument, or {@code Object}. */
    public static Type argument(Type type, int index) {
        if (type instanceof ParameterizedType p && p.getActualTypeArguments().length > index) {
            var arg = p.getActualTypeArguments()[index];
            return arg instanceof WildcardType w ? w.getUpperBounds()[0] : arg;
        }
        return Object.class;
    }

    public static boolean isCollection(Type type) {
        var r = raw(type);
        return r == List.class || r == Collection.class || r == Set.class || r == Iterable.class;
    }

    /** Whether the element carries an annotation named {@code Nullable} (JSpecify, Jakarta, JetBrains...). */
    public static boolean isNullable(AnnotatedElement element) {
        for (var a : element.getAnnotations()) {
            if (a.annotationType().getSimpleName().equals("Nullable")) {
                return true;
            }
        }
        return false;
    }

    /** Readable type name for messages: {@code Optional<String>}. */
    public static String name(Type type) {
        return type.getTypeName().replaceAll("[a-z0-9_]+\\.", "").replace('$', '.');
    }
}
