package dev.coda.durable.internal;

import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Which object each instance-method task runs on in one worker: the worker's service of the method's class when it has
 * one, else the object the task was registered bound to. Decided when the worker is built, so that a missing or
 * ambiguous object stops the start instead of failing tasks.
 *
 * <pre>{@code
 * Map<String, TaskMethod> runnable = TaskReceivers.bind(durable.names(), durable::task, List.of(jobs));
 * }</pre>
 */
public final class TaskReceivers {

    private TaskReceivers() {
    }

    /**
     * The tasks {@code names} as this worker runs them.
     *
     * @throws IllegalStateException if an instance method's task has no object, or two services fit it
     */
    public static Map<String, TaskMethod> bind(Set<String> names, Function<String, TaskMethod> tasks, List<Object> services) {
        var out = new LinkedHashMap<String, TaskMethod>();
        for (var name : names) {
            var task = tasks.apply(name);
            var type = task.method().getDeclaringClass();
            var fitting = services.stream().filter(type::isInstance).toList();
            if (fitting.size() > 1) {
                throw new IllegalStateException("the durable task " + name + " runs on a " + type.getName() + ", and the worker has "
                        + fitting.size() + " services of that type: give it one");
            }
            if (!fitting.isEmpty() && !Modifier.isStatic(task.method().getModifiers())) {
                task = task.on(fitting.getFirst());
            } else if (task.needsReceiver()) {
                var simple = type.getSimpleName();
                throw new IllegalStateException("the durable task " + name + " is an instance method of " + type.getName()
                        + " registered without an object: give the worker one with durable.worker().service(new " + simple
                        + "(...)), or register the task bound to one (" + Character.toLowerCase(simple.charAt(0)) + simple.substring(1)
                        + "::" + task.method().getName() + ")");
            }
            out.put(name, task);
        }
        return Map.copyOf(out);
    }
}
