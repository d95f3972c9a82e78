package dev.coda.durable.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.coda.tasks.TaskCall;
import dev.coda.tasks.internal.Lambdas;
import java.io.Serializable;
import java.lang.invoke.MethodHandleInfo;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A registered durable task: its name and the method it runs, found from a method reference without running it, with
 * the JSON types of its parameters and, for an instance method, the object it is called on (never stored).
 */
public final class TaskMethod {

    private final String name;
    private final Method method;
    private final JavaType[] parameterTypes;
    private final ObjectMapper mapper;
    private final ObjectReader[] readers;
    private final Object receiver;

    private TaskMethod(String name, Method method, ObjectMapper mapper, Object receiver) {
        this.name = name;
        this.method = method;
        this.mapper = mapper;
        this.receiver = receiver;
        var types = method.getGenericParameterTypes();
        this.parameterTypes = new JavaType[types.length];
        this.readers = new ObjectReader[types.length];
        for (int i = 0; i < types.length; i++) {
            parameterTypes[i] = mapper.getTypeFactory().constructType(types[i]);
            readers[i] = mapper.readerFor(parameterTypes[i]);
        }
    }

    /**
     * The method a method reference names: a static method ({@code FileJobs::process}), an instance method bound to its
     * receiver ({@code jobs::process}) or not ({@code FileJobs::process} of an instance method); rejects lambdas,
     * constructors and references capturing more than their receiver.
     */
    public static Method resolve(Serializable function, TaskCall call) {
        var lambda = Lambdas.serialized(function);
        var shown = call.name();
        if (lambda == null) {
            throw new IllegalArgumentException(shown + " is not a method reference (" + function.getClass().getName()
                    + "): durable tasks are method references such as FileJobs::process, so that a worker can find them by name");
        }
        if (lambda.getImplMethodName().startsWith("lambda$")) {
            throw new IllegalArgumentException(shown + " is a lambda: durable tasks are method references such as "
                    + "FileJobs::process, so that a worker on another machine can find the code by name; move the lambda's body "
                    + "into a method");
        }
        int kind = lambda.getImplMethodKind();
        boolean instance = kind == MethodHandleInfo.REF_invokeVirtual || kind == MethodHandleInfo.REF_invokeInterface;
        if (kind != MethodHandleInfo.REF_invokeStatic && !instance) {
            throw new IllegalArgumentException(shown + " names a constructor or a special method ("
                    + MethodHandleInfo.referenceKindToString(kind) + "): durable tasks are method references such as "
                    + "FileJobs::process");
        }
        if (lambda.getCapturedArgCount() > (instance ? 1 : 0)) {
            throw new IllegalArgumentException(shown + " captures a value: durable tasks are method references such as "
                    + "FileJobs::process or jobs::process, and everything else they need is in their arguments");
        }
        var owner = lambda.getImplClass().replace('/', '.');
        try {
            var loader = function.getClass().getClassLoader();
            var type = Class.forName(owner, false, loader);
            var signature = MethodType.fromMethodDescriptorString(lambda.getImplMethodSignature(), type.getClassLoader());
            var method = type.getDeclaredMethod(lambda.getImplMethodName(), signature.parameterArray());
            if (Modifier.isStatic(method.getModifiers()) == instance) {
                throw new IllegalArgumentException(shown + " is not the method its reference names");
            }
            method.setAccessible(true);
            return method;
        } catch (ReflectiveOperationException | TypeNotPresentException | IllegalArgumentException e) {
            if (e instanceof IllegalArgumentException iae && iae.getMessage() != null && iae.getMessage().startsWith(shown)) {
                throw iae;
            }
            throw new IllegalArgumentException("cannot find the method of " + shown + " (" + owner + "."
                    + lambda.getImplMethodName() + lambda.getImplMethodSignature() + "): " + e, e);
        }
    }

    /** The receiver a bound method reference ({@code jobs::process}) captured, else {@code null}. */
    public static Object receiver(Serializable function) {
        var lambda = Lambdas.serialized(function);
        return lambda != null && lambda.getCapturedArgCount() == 1 ? lambda.getCapturedArg(0) : null;
    }

    /** {@code method} run on {@code receiver}: {@code null} for a static method, or for an instance method whose worker gives it one. */
    public static TaskMethod of(String name, Method method, ObjectMapper mapper, Object receiver) {
        return new TaskMethod(name, method, mapper, receiver);
    }

    /** This task run on {@code target}, an instance of its method's class. */
    public TaskMethod on(Object target) {
        return new TaskMethod(name, method, mapper, method.getDeclaringClass().cast(target));
    }

    /** Whether it is an instance method that has no receiver yet (its worker must give one). */
    public boolean needsReceiver() {
        return receiver == null && !Modifier.isStatic(method.getModifiers());
    }

    public String name() {
        return name;
    }

    public Method method() {
        return method;
    }

    /** {@code FileJobs.process(long, java.lang.String)} */
    public String signature() {
        return name + Arrays.stream(method.getGenericParameterTypes()).map(Type::getTypeName)
                .collect(Collectors.joining(", ", "(", ")"));
    }

    /** Whether a call names this method (same class and method name). */
    public boolean matches(TaskCall call) {
        return method.getDeclaringClass().getName().equals(call.declaringClass()) && method.getName().equals(call.method());
    }

    /** Checks, before storing, that the call's arguments fit the parameters (count, and type when not null). */
    public void checkArguments(List<Object> arguments) {
        var types = method.getParameterTypes();
        if (arguments.size() != types.length) {
            throw new IllegalArgumentException(signature() + " takes " + types.length + " argument(s), not " + arguments.size());
        }
        for (int i = 0; i < types.length; i++) {
            var argument = arguments.get(i);
            if (argument == null) {
                if (types[i].isPrimitive()) {
                    throw new IllegalArgumentException("argument " + (i + 1) + " of " + signature() + " cannot be null");
                }
            } else if (!box(types[i]).isInstance(argument)) {
                throw new IllegalArgumentException("argument " + (i + 1) + " of " + signature() + " is a "
                        + argument.getClass().getName() + ", not a " + types[i].getName());
            }
        }
    }

    private static Class<?> box(Class<?> type) {
        return MethodType.methodType(type).wrap().returnType();
    }

    /** The call's arguments from their JSON array; a {@link BindException} says why they do not fit. */
    public Object[] bind(String argumentsJson) throws BindException {
        ArrayNode array;
        try {
            var tree = mapper.readTree(argumentsJson);
            if (!(tree instanceof ArrayNode a)) {
                throw new BindException("the arguments of " + signature() + " are not a JSON array: " + abbreviate(argumentsJson));
            }
            array = a;
        } catch (JsonProcessingException e) {
            throw new BindException("the arguments of " + signature() + " are not valid JSON: " + e.getOriginalMessage());
        }
        if (array.size() != parameterTypes.length) {
            throw new BindException(signature() + " takes " + parameterTypes.length + " argument(s), the task has "
                    + array.size() + ": " + abbreviate(argumentsJson));
        }
        var out = new Object[parameterTypes.length];
        for (int i = 0; i < out.length; i++) {
            var node = array.get(i);
            if (node.isNull() && parameterTypes[i].isPrimitive()) {
                throw new BindException("argument " + (i + 1) + " of " + signature() + " is null");
            }
            try {
                out[i] = readers[i].readValue(node);
            } catch (java.io.IOException | RuntimeException e) {
                var message = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.toString();
                throw new BindException("argument " + (i + 1) + " of " + signature() + " does not bind: " + message);
            }
        }
        return out;
    }

    /** Calls the method; its own exceptions come out unwrapped. */
    public Object invoke(Object[] arguments) throws Throwable {
        try {
            return method.invoke(receiver, arguments);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    /** Arguments that do not fit a task's parameters. */
    public static final class BindException extends Exception {
        private static final long serialVersionUID = 1L;

        BindException(String message) {
            super(message, null, false, false);
        }
    }
}
