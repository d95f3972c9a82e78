package dev.coda.tasks.internal;

import java.io.Serializable;
import java.lang.invoke.SerializedLambda;

/**
 * Reads what a serializable lambda or method reference names, without running it: the one reader of
 * {@link SerializedLambda} for task names (coda-tasks) and durable task methods (coda-durable).
 *
 * <pre>{@code
 * SerializedLambda lambda = Lambdas.serialized((TaskFunction.F1<String>) Mailer::send);
 * lambda.getImplClass();        // "com/example/Mailer"
 * lambda.getImplMethodName();   // "send"
 * }</pre>
 */
public final class Lambdas {

    private Lambdas() {
    }

    /** What {@code function} names, or {@code null} when it is not a lambda (an ordinary class implementing the interface). */
    public static SerializedLambda serialized(Serializable function) {
        try {
            var writeReplace = function.getClass().getDeclaredMethod("writeReplace");
            writeReplace.setAccessible(true);
            return writeReplace.invoke(function) instanceof SerializedLambda lambda ? lambda : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
