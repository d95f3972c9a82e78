package dev.coda.tasks;

import dev.coda.tasks.internal.Lambdas;
import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The identity of a task function, read from its method reference without running it.
 *
 * @param name short name for people: {@code Tutorial001.writeNotification}
 * @param declaringClass binary name of the class declaring the method ({@code null} when unknown)
 * @param method the method's name
 * @param methodReference whether it names a method (as opposed to a lambda body)
 */
record TaskName(String name, String declaringClass, String method, boolean methodReference, boolean capturing) {

    TaskName(String name, String declaringClass, String method, boolean methodReference) {
        this(name, declaringClass, method, methodReference, false);
    }

    private static final Map<Class<?>, TaskName> CACHE = new ConcurrentHashMap<>();

    static TaskName of(Serializable function) {
        var type = function.getClass();
        var known = CACHE.get(type);
        if (known != null) {
            return known;
        }
        var name = read(function);
        CACHE.put(type, name);
        return name;
    }

    private static TaskName read(Serializable function) {
        var type = function.getClass();
        if (Lambdas.serialized(function) instanceof SerializedLambda lambda) {
            var owner = lambda.getImplClass().replace('/', '.');
            var simple = owner.substring(owner.lastIndexOf('.') + 1).replace('$', '.');
            var method = lambda.getImplMethodName();
            if (method.startsWith("lambda$")) {
                var parts = method.split("\\$");
                var enclosing = parts.length > 1 ? parts[1] : "lambda";
                return new TaskName(simple + "." + enclosing + "$lambda", owner, method, false, lambda.getCapturedArgCount() > 0);
            }
            return new TaskName(simple + "." + method, owner, method, true, lambda.getCapturedArgCount() > 0);
        }
        // not a lambda: an ordinary class implementing the interface
        var simple = type.getSimpleName().isEmpty() ? type.getName() : type.getSimpleName();
        return new TaskName(simple, type.getName(), "run", false);
    }
}
