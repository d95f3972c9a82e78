package dev.coda.tasks;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/** Shared helpers of the tests. */
final class TestSupport {

    private TestSupport() {
    }

    /** Awaitility with a short poll interval and a generous limit for a shared, busy build machine. */
    /** Dispatches a task list whose one task waits at {@code gate}, and returns once it runs: it holds a slot till the gate opens. */
    static CompletionStage<Void> holdTheSlot(TaskRuntime runtime, Gate gate) {
        var first = runtime.newTasks("first", "req-1");
        first.addTask(gate::pass);
        var done = runtime.dispatch(first, false);
        eventually().until(() -> gate.entered() == 1);
        return done;
    }

    static ConditionFactory eventually() {
        return Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5));
    }

    /** The value of a stage that must complete within 10 seconds. */
    static <T> T done(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the stage did not complete normally within 10 seconds", e);
        }
    }

    /** A task that fails with the given exception (the same instance, so tests can check identity). */
    static void throwIt(RuntimeException error) {
        throw error;
    }
}
