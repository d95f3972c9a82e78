package dev.coda.tasks;

import java.io.Serializable;
import java.util.concurrent.CompletionStage;

/**
 * The shapes of task functions {@link BackgroundTasks#addTask} accepts: a method reference (or a
 * lambda) taking up to five arguments, returning nothing ({@code OfN}) or a {@link CompletionStage}
 * that is awaited ({@code AsyncOfN}). You never name these types: pass a method reference and the
 * compiler checks the arguments against the method's parameters.
 *
 * <pre>{@code
 * static void writeNotification(String email, String message) { ... }
 * static CompletionStage<Void> sendMail(String to) { ... }
 *
 * tasks.addTask(Notifications::writeNotification, email, "some notification");   // OfN
 * tasks.addTask(Mailer::sendMail, email);                                          // AsyncOfN, awaited
 * }</pre>
 *
 * @apiNote They are {@link Serializable} so that Coda can read, without running it, which method a
 *     method reference names: that name is the task's name in logs, metrics and handles, and what a
 *     durable task is stored as. Prefer static method references for tasks that may become durable.
 */
public final class TaskFunction {

    private TaskFunction() {
    }

    /** A task taking 0 arguments. */
    @FunctionalInterface
    public interface Of0 extends Serializable {
        void run() throws Exception;
    }

    /** An asynchronous task taking 0 arguments: it runs until the returned stage completes. */
    @FunctionalInterface
    public interface AsyncOf0 extends Serializable {
        CompletionStage<?> run() throws Exception;
    }

    /** A task taking 1 argument. */
    @FunctionalInterface
    public interface Of1<A> extends Serializable {
        void run(A a) throws Exception;
    }

    /** An asynchronous task taking 1 argument: it runs until the returned stage completes. */
    @FunctionalInterface
    public interface AsyncOf1<A> extends Serializable {
        CompletionStage<?> run(A a) throws Exception;
    }

    /** A task taking 2 arguments. */
    @FunctionalInterface
    public interface Of2<A, B> extends Serializable {
        void run(A a, B b) throws Exception;
    }

    /** An asynchronous task taking 2 arguments: it runs until the returned stage completes. */
    @FunctionalInterface
    public interface AsyncOf2<A, B> extends Serializable {
        CompletionStage<?> run(A a, B b) throws Exception;
    }

    /** A task taking 3 arguments. */
    @FunctionalInterface
    public interface Of3<A, B, C> extends Serializable {
        void run(A a, B b, C c) throws Exception;
    }

    /** An asynchronous task taking 3 arguments: it runs until the returned stage completes. */
    @FunctionalInterface
    public interface AsyncOf3<A, B, C> extends Serializable {
        CompletionStage<?> run(A a, B b, C c) throws Exception;
    }

    /** A task taking 4 arguments. */
    @FunctionalInterface
    public interface Of4<A, B, C, D> extends Serializable {
        void run(A a, B b, C c, D d) throws Exception;
    }

    /** An asynchronous task taking 4 arguments: it runs until the returned stage completes. */
    @FunctionalInterface
    public interface AsyncOf4<A, B, C, D> extends Serializable {
        CompletionStage<?> run(A a, B b, C c, D d) throws Exception;
    }

    /** A task taking 5 arguments. */
    @FunctionalInterface
    public interface Of5<A, B, C, D, E> extends Serializable {
        void run(A a, B b, C c, D d, E e) throws Exception;
    }

    /** An asynchronous task taking 5 arguments: it runs until the returned stage completes. */
    @FunctionalInterface
    public interface AsyncOf5<A, B, C, D, E> extends Serializable {
        CompletionStage<?> run(A a, B b, C c, D d, E e) throws Exception;
    }
}
